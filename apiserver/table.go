package apiserver

import (
	"net/url"

	"github.com/spar-dev/spar/api/meta"
	"github.com/spar-dev/spar/apiserver/table"
)

// printer returns the Table printer of g's kind (built once).
func (g *registry) printer() table.Printer {
	g.printerOnce.Do(func() { g.tablePrinter = g.newPrinter() })
	return g.tablePrinter
}

// newPrinter builds the built-in printer, or one from a custom resource
// version's additionalPrinterColumns.
func (g *registry) newPrinter() table.Printer {
	if cs, ok := g.strategy.(*crStrategy); ok {
		if v := cs.crd.Version(cs.version); v != nil {
			p, err := table.ForCRD(v.AdditionalPrinterColumns)
			if p != nil {
				if err != nil {
					g.s.log.V(1).Info("bad printer column", "crd", cs.crd.Name, "err", err.Error())
				}
				return p
			}
		}
		return table.Default()
	}
	return table.For(g.res.GroupKind())
}

// tableFor renders objects as the meta.k8s.io Table kubectl's human output
// asks for.
func (s *Server) tableFor(g *registry, q url.Values, objs []meta.Object, lm meta.ListMeta) (*meta.Table, error) {
	inc, err := table.ParseIncludeObject(q.Get("includeObject"))
	if err != nil {
		return nil, err
	}
	t, err := table.Build(g.printer(), objs, table.Options{IncludeObject: inc})
	if err != nil {
		return nil, err
	}
	t.ListMeta = lm
	return t, nil
}
