package main

import (
	"encoding/json"
	"flag"
	"io"

	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/dedup"
)

// dedupCmd reads items as JSON Lines in arrival order and writes per item
// whether it is a copy of an earlier one and which story it tells:
// {"id","duplicate_of","similarity","story"}, duplicate_of null for an item
// that is no copy, story the id of the story's first report (the item's own
// id when it starts one). It decides as the dedup stage does (exact keys,
// then near-duplicates, then stories), in memory. An item without an id
// gets the one ingest would give it.
func dedupCmd(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("dedup", flag.ExitOnError)
	stories := fs.Bool("stories", true, "group independent reports of one event into stories")
	_ = fs.Parse(args)
	var opts []dedup.MatcherOption
	if !*stories {
		opts = append(opts, dedup.WithoutStories())
	}
	m := dedup.NewMatcher(opts...)
	enc := json.NewEncoder(out)
	return eachItem("dedup", in, func(it item.Item) error {
		it, err := dedup.WithID(it)
		if err != nil {
			return err
		}
		r, err := m.Add(it)
		if err != nil {
			return err
		}
		line := struct {
			ID          string  `json:"id"`
			DuplicateOf *string `json:"duplicate_of"`
			Similarity  float64 `json:"similarity"`
			Story       string  `json:"story"`
		}{ID: r.ID, Similarity: round2(r.Similarity), Story: r.Story}
		if r.DuplicateOf != "" {
			line.DuplicateOf = &r.DuplicateOf
		}
		return enc.Encode(line)
	})
}

// round2 rounds a similarity to two decimals for the output.
func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }
