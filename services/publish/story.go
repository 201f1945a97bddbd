package publish

import (
	"maps"
	"slices"

	"github.com/bakenhub/baken/pkg/item"
)

// noteReport records it as one of its story's other reports. The caller
// holds mu.
func (v *View) noteReport(it item.Item) {
	if it.Story == "" || it.Story == it.ID {
		return
	}
	if v.reports[it.Story] == nil {
		v.reports[it.Story] = map[string]item.Location{}
	}
	v.reports[it.Story][it.ID] = item.Location{Source: it.Source, URL: it.URL, Title: it.Title}
}

// place places an item and the rest of its story: the first report first
// (its list of reports, and the feeds it is in, decide where the others
// go), then the other reports. The caller holds mu.
func (v *View) place(id string) {
	first := id
	if h, ok := v.held[id]; ok && h.raw.Story != "" && h.raw.Story != id {
		if _, held := v.held[h.raw.Story]; held {
			first = h.raw.Story
		}
	}
	v.placeOne(first)
	for _, r := range slices.Sorted(maps.Keys(v.reports[first])) {
		v.placeOne(r)
	}
	if first != id {
		if _, listed := v.reports[first][id]; !listed {
			v.placeOne(id)
		}
	}
}

// reportedBy lists the other reports of the story id is the first of.
func (v *View) reportedBy(id string) []item.Location {
	reps := v.reports[id]
	var out []item.Location
	for _, r := range slices.Sorted(maps.Keys(reps)) {
		out = append(out, reps[r])
	}
	return out
}

// firstReportFeeds are the feeds that show raw's story under its first
// report: raw, another report, is left out of them.
func (v *View) firstReportFeeds(raw item.Item) []string {
	if raw.Story == "" || raw.Story == raw.ID {
		return nil
	}
	if f, ok := v.held[raw.Story]; ok && f.shown != nil {
		return f.keys
	}
	return nil
}
