package webui

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// customProperty is a colour custom property of the stylesheet: --name: #rrggbb.
var customProperty = regexp.MustCompile(`--([a-z-]+):\s*#([0-9a-fA-F]{6})\s*;`)

// colours reads the stylesheet's colour custom properties.
func colours(t *testing.T) map[string][3]float64 {
	t.Helper()
	css, err := static.ReadFile("static/baken.css")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][3]float64{}
	for _, m := range customProperty.FindAllStringSubmatch(string(css), -1) {
		var c [3]float64
		for i := range c {
			v, _ := strconv.ParseUint(m[2][2*i:2*i+2], 16, 8)
			c[i] = float64(v) / 255
		}
		out[m[1]] = c
	}
	return out
}

// luminance is WCAG 2.1's relative luminance of an sRGB colour.
func luminance(c [3]float64) float64 {
	lin := func(v float64) float64 {
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c[0]) + 0.7152*lin(c[1]) + 0.0722*lin(c[2])
}

// contrast is WCAG 2.1's contrast ratio of two colours.
func contrast(a, b [3]float64) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestContrastFormula(t *testing.T) {
	black, white := [3]float64{0, 0, 0}, [3]float64{1, 1, 1}
	if got := contrast(black, white); math.Abs(got-21) > 1e-9 {
		t.Errorf("black on white %.3f, want 21", got)
	}
	grey := [3]float64{0x76 / 255.0, 0x76 / 255.0, 0x76 / 255.0} // #767676: the lightest grey at 4.5:1 on white
	if got := contrast(grey, white); got < 4.5 || got > 4.6 {
		t.Errorf("#767676 on white %.3f, want 4.54", got)
	}
}

// TestContrast checks every text colour of the stylesheet on every
// background it is used on against WCAG 2.1 AA: 4.5:1 for text, 3:1 for
// the focus ring and the borders of inputs (non-text contrast, 1.4.11).
func TestContrast(t *testing.T) {
	c := colours(t)
	type pair struct {
		fg, bg string
		min    float64
	}
	var pairs []pair
	for _, fg := range []string{"text", "muted", "accent", "ok", "bad", "warn"} {
		for _, bg := range []string{"bg", "surface"} {
			pairs = append(pairs, pair{fg, bg, 4.5})
		}
	}
	pairs = append(pairs, pair{"on-accent", "accent", 4.5}, pair{"focus", "bg", 3}, pair{"focus-on-accent", "accent", 3}, pair{"border", "bg", 3}, pair{"border", "surface", 3})
	var report []string
	for _, p := range pairs {
		fg, ok1 := c[p.fg]
		bg, ok2 := c[p.bg]
		if !ok1 || !ok2 {
			t.Errorf("--%s or --%s is not a colour of the stylesheet", p.fg, p.bg)
			continue
		}
		r := contrast(fg, bg)
		report = append(report, fmt.Sprintf("--%s on --%s %.2f:1", p.fg, p.bg, r))
		if r < p.min {
			t.Errorf("--%s on --%s: %.2f:1, want at least %.1f:1", p.fg, p.bg, r, p.min)
		}
	}
	t.Log(strings.Join(report, "; "))
	if len(c) < 10 {
		t.Errorf("only %d colours read from the stylesheet: is the parser broken?", len(c))
	}
}

// TestColoursAreProperties keeps every colour of the stylesheet in its
// custom properties, where TestContrast checks them.
func TestColoursAreProperties(t *testing.T) {
	css, _ := static.ReadFile("static/baken.css")
	s := string(css)
	root := strings.Index(s, ":root {")
	end := strings.Index(s[root:], "}") + root
	rest := s[:root] + s[end:]
	if m := regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(`).FindString(rest); m != "" {
		t.Errorf("a colour outside the custom properties: %s", m)
	}
}
