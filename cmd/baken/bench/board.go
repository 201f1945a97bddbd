package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// row is one figure of the scoreboard.
type row struct {
	Figure    string   `json:"figure"`
	Unit      string   `json:"unit"`
	Baken     float64  `json:"baken"`
	Reference *float64 `json:"reference,omitempty"`
	RefName   string   `json:"reference_name,omitempty"`
	Ratio     *float64 `json:"ratio,omitempty"`
	Target    string   `json:"target"`
	Met       bool     `json:"met"`
	Note      string   `json:"note,omitempty"`
}

type board struct {
	started time.Time
	rows    []row
}

// add records a figure and prints it at once.
func (b *board) add(r row) {
	b.rows = append(b.rows, r)
	ref := ""
	if r.Reference != nil {
		ref = fmt.Sprintf(" (%s %.4g, ratio %.2f)", r.RefName, *r.Reference, *r.Ratio)
	}
	fmt.Printf("  %s: %.4g %s%s target %s %s\n", r.Figure, r.Baken, r.Unit, ref, r.Target, mark(r.Met))
}

// withRef fills the reference and ratio of r (Baken / reference).
func withRef(r row, name string, ref float64) row {
	if ref <= 0 {
		return r
	}
	ratio := r.Baken / ref
	r.Reference, r.Ratio, r.RefName = &ref, &ratio, name
	return r
}

func mark(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func (b *board) print(w io.Writer) {
	fmt.Fprintf(w, "\n%-44s %12s %-8s %12s %7s  %-22s %s\n", "figure", "baken", "unit", "reference", "ratio", "target", "")
	fmt.Fprintln(w, strings.Repeat("-", 118))
	for _, r := range b.rows {
		ref, ratio := "-", "-"
		if r.Reference != nil {
			ref, ratio = fmt.Sprintf("%.5g", *r.Reference), fmt.Sprintf("%.2f", *r.Ratio)
		}
		fmt.Fprintf(w, "%-44s %12.5g %-8s %12s %7s  %-22s %s\n", r.Figure, r.Baken, r.Unit, ref, ratio, r.Target, mark(r.Met))
	}
	for _, r := range b.rows {
		if r.Note != "" {
			fmt.Fprintf(w, "  %s: %s\n", strings.TrimSpace(r.Figure), r.Note)
		}
	}
	fmt.Fprintf(w, "(%s, %d cores, %s, %s)\n", cpuModel(), runtime.NumCPU(), b.started.UTC().Format("2006-01-02 15:04 MST"), time.Since(b.started).Round(time.Second))
}

func (b *board) report() map[string]any {
	return map[string]any{"date": b.started.UTC().Format(time.RFC3339), "machine": cpuModel(), "cores": runtime.NumCPU(), "rows": b.rows}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
