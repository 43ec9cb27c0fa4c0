package validation

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Diff returns a unified diff (three lines of context, no file header) of
// the indented JSON of a and b. Kubernetes appends such a diff to the
// messages that reject changes to immutable specs ("pod updates may not
// change fields other than ..."), so the user can see what changed.
func Diff(a, b any) string {
	aj, err1 := json.MarshalIndent(a, "", " ")
	bj, err2 := json.MarshalIndent(b, "", " ")
	if err1 != nil || err2 != nil {
		aj, bj = fmt.Appendf(nil, "%+v", a), fmt.Appendf(nil, "%+v", b)
	}
	return unifiedDiff(splitLines(string(aj)), splitLines(string(bj)), 3)
}

// splitLines splits s into lines that keep their "\n"; the last line gets
// one too, as difflib's SplitLines does.
func splitLines(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	lines[len(lines)-1] += "\n"
	return lines
}

type diffOp struct {
	kind   byte // ' ', '-' or '+'
	ai, bi int  // line index in a (for ' ' and '-') and b (for ' ' and '+')
}

// unifiedDiff diffs two line slices with a longest-common-subsequence edit
// script and prints the hunks in the format of GNU diff -u.
func unifiedDiff(a, b []string, context int) string {
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, diffOp{' ', i, j})
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			ops = append(ops, diffOp{'+', i, j})
			j++
		default:
			ops = append(ops, diffOp{'-', i, j})
			i++
		}
	}

	var out strings.Builder
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk runs from context lines before the first change to context
		// lines after the last change that is within 2*context of the next.
		start := max(k-context, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, run)
				break
			}
			end = run
		}
		writeHunk(&out, a, b, ops[start:end])
		k = end
	}
	return out.String()
}

func writeHunk(out *strings.Builder, a, b []string, ops []diffOp) {
	a1, b1 := ops[0].ai, ops[0].bi
	na, nb := 0, 0
	for _, op := range ops {
		if op.kind != '+' {
			na++
		}
		if op.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(a1, na), hunkRange(b1, nb))
	for _, op := range ops {
		switch op.kind {
		case '+':
			out.WriteString("+" + b[op.bi])
		default:
			out.WriteString(string(op.kind) + a[op.ai])
		}
	}
}

// hunkRange formats a hunk's line range as diff -u does: "start,length",
// just "start" for one line, and the line before for an empty range.
func hunkRange(start, length int) string {
	begin := start + 1
	switch length {
	case 1:
		return fmt.Sprint(begin)
	case 0:
		begin--
	}
	return fmt.Sprintf("%d,%d", begin, length)
}
