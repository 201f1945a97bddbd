// Package curation holds editors' overrides of the classifier: pin an item
// to a theme, remove it from one, or hide it everywhere. Every change says
// who made it, when and why; the publisher applies the current set to every
// output as it changes, without a restart.
package curation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/item"
)

// Actions an editor can take.
const (
	Pin    = "pin"    // add the item to Theme
	Remove = "remove" // take the item out of Theme
	Hide   = "hide"   // hide the item from every feed
	Unhide = "unhide"
	Reset  = "reset" // drop every override of the item
)

// Override is one editor's decision about one item.
type Override struct {
	ItemID string    `json:"item_id" yaml:"item_id"`
	URL    string    `json:"url,omitempty" yaml:"url"` // alternative to ItemID in rules files
	Action string    `json:"action" yaml:"action"`
	Theme  string    `json:"theme,omitempty" yaml:"theme"`
	Who    string    `json:"who" yaml:"who"`
	Why    string    `json:"why" yaml:"why"`
	At     time.Time `json:"at" yaml:"at"`
}

// Validate checks an override against the known theme ids.
func (o Override) Validate(themes []string) error {
	var errs []error
	if o.ItemID == "" {
		errs = append(errs, errors.New("item_id: required"))
	}
	switch o.Action {
	case Pin, Remove:
		if !slices.Contains(themes, o.Theme) {
			errs = append(errs, fmt.Errorf("theme %q: want one of %s", o.Theme, strings.Join(themes, ", ")))
		}
	case Hide, Unhide, Reset:
		if o.Theme != "" {
			errs = append(errs, fmt.Errorf("theme: not used with %s", o.Action))
		}
	default:
		errs = append(errs, fmt.Errorf("action %q: want pin, remove, hide, unhide or reset", o.Action))
	}
	if strings.TrimSpace(o.Who) == "" {
		errs = append(errs, errors.New("who: required (the audit trail names every editor)"))
	}
	if strings.TrimSpace(o.Why) == "" {
		errs = append(errs, errors.New("why: required"))
	}
	return errors.Join(errs...)
}

// State is the net effect of an item's overrides.
type State struct {
	Pinned  []Override `json:"pinned,omitempty"`
	Removed []Override `json:"removed,omitempty"`
	Hidden  *Override  `json:"hidden,omitempty"`
	// Unhidden records an explicit unhide: it outweighs a hide in the rules
	// file, which an empty state would let through.
	Unhidden *Override `json:"unhidden,omitempty"`
}

// Add folds one more override into s; the latest decision per theme wins.
func (s State) Add(o Override) State {
	drop := func(list []Override) []Override {
		return slices.DeleteFunc(slices.Clone(list), func(x Override) bool { return x.Theme == o.Theme })
	}
	switch o.Action {
	case Pin:
		s.Removed, s.Pinned = drop(s.Removed), append(drop(s.Pinned), o)
	case Remove:
		s.Pinned, s.Removed = drop(s.Pinned), append(drop(s.Removed), o)
	case Hide:
		s.Hidden, s.Unhidden = &o, nil
	case Unhide:
		s.Hidden, s.Unhidden = nil, &o
	case Reset:
		return State{}
	}
	return s
}

// Empty reports whether s changes nothing.
func (s State) Empty() bool {
	return len(s.Pinned) == 0 && len(s.Removed) == 0 && s.Hidden == nil && s.Unhidden == nil
}

// Apply returns the item as editors want it shown, and whether it is shown
// at all. A pinned theme lists who pinned it as its matched term.
func (s State) Apply(it item.Item) (item.Item, bool) {
	if s.Hidden != nil {
		return it, false
	}
	if len(s.Pinned) == 0 && len(s.Removed) == 0 {
		return it, true
	}
	themes := slices.DeleteFunc(slices.Clone(it.Themes), func(t item.Theme) bool {
		return slices.ContainsFunc(s.Removed, func(o Override) bool { return o.Theme == t.ID })
	})
	for _, o := range s.Pinned {
		if !slices.ContainsFunc(themes, func(t item.Theme) bool { return t.ID == o.Theme }) {
			themes = append(themes, item.Theme{ID: o.Theme, Matched: []string{"pinned by " + o.Who}})
		}
	}
	it.Themes = themes
	return it, true
}
