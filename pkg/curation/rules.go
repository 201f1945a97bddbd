package curation

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/bakenhub/baken/pkg/item"
)

// Rules are overrides kept in a file under version control:
//
//	overrides:
//	  - url: https://www.politie.nl/nieuws/2023/december/18/03-werf-jij-al.html
//	    action: pin
//	    theme: openbare-orde
//	    who: redactie@rvs
//	    why: Burgernet hoort bij openbare orde
//
// An item is named by item_id or by url. An override made through the API
// replaces the file's overrides for that item until it is reset.
type Rules map[string]State

// LoadRules reads a rules file; themes are the valid theme ids.
func LoadRules(path string, themes []string) (Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	var file struct {
		Overrides []Override `yaml:"overrides"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("rules %s: %w", path, err)
	}
	rules := Rules{}
	for i, o := range file.Overrides {
		if o.ItemID == "" && o.URL != "" {
			c, err := item.Canonical(o.URL, "")
			if err != nil {
				return nil, fmt.Errorf("rules %s: overrides[%d].url: %w", path, i, err)
			}
			o.ItemID = item.NewID(c, "", "")
		}
		if err := o.Validate(themes); err != nil {
			return nil, fmt.Errorf("rules %s: overrides[%d]: %w", path, i, err)
		}
		rules[o.ItemID] = rules[o.ItemID].Add(o)
	}
	return rules, nil
}
