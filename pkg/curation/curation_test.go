package curation

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/item"
)

var themes = []string{"ondermijning", "terrorisme", "openbare-orde"}

func TestApply(t *testing.T) {
	it := item.Item{ID: "a", Themes: []item.Theme{{ID: "ondermijning", Score: 3, Matched: []string{"drugs*"}}, {ID: "openbare-orde", Score: 2}}}
	ov := func(action, theme string) Override {
		return Override{ItemID: "a", Action: action, Theme: theme, Who: "redactie@rvs", Why: "test"}
	}
	tests := []struct {
		name    string
		actions []Override
		want    []string
		visible bool
	}{
		{"none", nil, []string{"ondermijning", "openbare-orde"}, true},
		{"pin", []Override{ov(Pin, "terrorisme")}, []string{"ondermijning", "openbare-orde", "terrorisme"}, true},
		{"remove", []Override{ov(Remove, "openbare-orde")}, []string{"ondermijning"}, true},
		{"pin then remove", []Override{ov(Pin, "terrorisme"), ov(Remove, "terrorisme")}, []string{"ondermijning", "openbare-orde"}, true},
		{"remove then pin", []Override{ov(Remove, "ondermijning"), ov(Pin, "ondermijning")}, []string{"ondermijning", "openbare-orde"}, true},
		{"hide", []Override{ov(Hide, "")}, nil, false},
		{"hide then unhide", []Override{ov(Hide, ""), ov(Unhide, "")}, []string{"ondermijning", "openbare-orde"}, true},
		{"reset", []Override{ov(Remove, "ondermijning"), ov(Hide, ""), ov(Reset, "")}, []string{"ondermijning", "openbare-orde"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s State
			for _, o := range tt.actions {
				s = s.Add(o)
			}
			got, visible := s.Apply(it)
			if visible != tt.visible {
				t.Fatalf("visible = %v, want %v", visible, tt.visible)
			}
			if visible && !slices.Equal(got.ThemeIDs(), tt.want) {
				t.Errorf("themes %v, want %v", got.ThemeIDs(), tt.want)
			}
		})
	}
	if len(it.Themes) != 2 {
		t.Error("Apply changed the original item")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		o    Override
		want string
	}{
		{Override{ItemID: "a", Action: Pin, Theme: "terrorisme", Who: "x", Why: "y"}, ""},
		{Override{ItemID: "a", Action: Pin, Theme: "ufo", Who: "x", Why: "y"}, `theme "ufo"`},
		{Override{ItemID: "a", Action: "delete", Who: "x", Why: "y"}, `action "delete"`},
		{Override{ItemID: "a", Action: Hide, Why: "y"}, "who: required"},
		{Override{Action: Hide, Who: "x", Why: "y"}, "item_id: required"},
	}
	for _, tt := range tests {
		err := tt.o.Validate(themes)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: error %v, want %q", tt.o, err, tt.want)
		}
	}
}

func TestLoadRules(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/rules.yaml"
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`overrides:
  - url: http://www.politie.nl/nieuws/x.html?utm_source=feed
    action: pin
    theme: openbare-orde
    who: redactie@rvs
    why: Burgernet hoort bij openbare orde
  - item_id: abc
    action: hide
    who: redactie@rvs
    why: dubbel bericht
`)
	rules, err := LoadRules(path, themes)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := item.Canonical("https://www.politie.nl/nieuws/x.html", "")
	if st := rules[item.NewID(c, "", "")]; len(st.Pinned) != 1 {
		t.Errorf("rule by url not keyed by the item id: %+v", rules)
	}
	if rules["abc"].Hidden == nil {
		t.Error("hide rule lost")
	}
	write("overrides:\n  - item_id: abc\n    action: pin\n    theme: ufo\n    who: x\n    why: y\n")
	if _, err := LoadRules(path, themes); err == nil || !strings.Contains(err.Error(), "overrides[0]") {
		t.Errorf("bad rule: error %v, want it to name overrides[0]", err)
	}
}
