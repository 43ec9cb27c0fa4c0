package openapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"reflect"
	"strings"
)

// docIndex holds the doc comments of Go types and struct fields, read from
// Go sources, keyed by "importpath.Type" and "importpath.Type.Field".
type docIndex struct {
	types  map[string]string
	fields map[string]fieldDoc
}

// fieldDoc is a field's doc comment split into text and the +key=value
// markers Kubernetes types carry (+listType=map, +listMapKey=name).
type fieldDoc struct {
	text    string
	markers map[string][]string
}

func (d fieldDoc) marker(key string) string {
	if v := d.markers[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// loadDocs parses the non-test Go files of every package directory in each
// file system; the key of sources is the import path of its root. Files
// that do not parse are skipped: descriptions are a convenience.
func loadDocs(sources map[string]fs.FS) *docIndex {
	d := &docIndex{types: map[string]string{}, fields: map[string]fieldDoc{}}
	fset := token.NewFileSet()
	for root, fsys := range sources {
		_ = fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if e.IsDir() {
				if base := path.Base(p); p != "." && (base == "testdata" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil
			}
			f, err := parser.ParseFile(fset, p, src, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return nil
			}
			pkg := root
			if dir := path.Dir(p); dir != "." {
				pkg += "/" + dir
			}
			d.addFile(pkg, f)
			return nil
		})
	}
	return d
}

func (d *docIndex) addFile(pkg string, f *ast.File) {
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, spec := range g.Specs {
			ts := spec.(*ast.TypeSpec)
			doc := ts.Doc
			if doc == nil && len(g.Specs) == 1 {
				doc = g.Doc
			}
			key := pkg + "." + ts.Name.Name
			if text, _ := splitDoc(doc.Text()); text != "" {
				d.types[key] = text
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, field := range st.Fields.List {
				cg := field.Doc
				if cg == nil {
					cg = field.Comment
				}
				if cg == nil {
					continue
				}
				text, markers := splitDoc(cg.Text())
				for _, n := range field.Names {
					d.fields[key+"."+n.Name] = fieldDoc{text: text, markers: markers}
				}
			}
		}
	}
}

// splitDoc turns comment text into a description, joining the lines of a
// paragraph, and collects +key=value marker lines.
func splitDoc(text string) (string, map[string][]string) {
	var markers map[string][]string
	var paras []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			paras = append(paras, strings.Join(cur, " "))
			cur = nil
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "+"):
			k, v, _ := strings.Cut(trimmed[1:], "=")
			if markers == nil {
				markers = map[string][]string{}
			}
			markers[k] = append(markers[k], v)
		default:
			cur = append(cur, trimmed)
		}
	}
	flush()
	return strings.Join(paras, "\n\n"), markers
}

func (d *docIndex) typeDoc(t reflect.Type) string { return d.typeDocByName(t.PkgPath(), t.Name()) }

func (d *docIndex) typeDocByName(pkg, name string) string {
	if d == nil {
		return ""
	}
	return d.types[pkg+"."+name]
}

// fieldDoc returns the doc of field goName of struct t. A description that
// opens with the Go field name ("Replicas is ...") is made to open with the
// JSON name ("replicas is ..."), which is what kubectl explain shows.
func (d *docIndex) fieldDoc(t reflect.Type, goName, jsonName string) fieldDoc {
	if d == nil || t == nil {
		return fieldDoc{}
	}
	fd := d.fields[t.PkgPath()+"."+baseName(t)+"."+goName]
	if rest, ok := strings.CutPrefix(fd.text, goName); ok && (rest == "" || rest[0] == ' ' || rest[0] == ',') {
		fd.text = jsonName + rest
	}
	return fd
}

// baseName is a type's name without type arguments: meta.List[T] is
// declared as List.
func baseName(t reflect.Type) string {
	name, _, _ := strings.Cut(t.Name(), "[")
	return name
}
