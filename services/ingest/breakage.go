package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/config"
)

// BrokenReason says why a scrape looks broken: it found no items at all,
// or most items lack a field whose selector is configured. "" when it
// looks fine.
func BrokenReason(sc *config.Scrape, r *ScrapeResult) string {
	if r.Found == 0 {
		return fmt.Sprintf("no items: item selector %q matched nothing", sc.Item)
	}
	var reasons []string
	for _, f := range sc.Selectors() {
		if n := r.Missing[f[0]]; 2*n > r.Found {
			reasons = append(reasons, fmt.Sprintf("%s missing on %d of %d items (selector %q)", f[0], n, r.Found, f[1]))
		}
	}
	if n := r.Missing["body"]; sc.Body != "" && 2*n > r.Followed {
		reasons = append(reasons, fmt.Sprintf("body missing on %d of %d article pages (selector %q)", n, r.Followed, sc.Body))
	}
	return strings.Join(reasons, "; ")
}

// Alert is published on bus.StatusSubject + "." + source id (core NATS)
// when a scraper breaks and when it recovers.
type Alert struct {
	Source     string    `json:"source"`
	Name       string    `json:"name"`
	URL        string    `json:"url"`
	Status     string    `json:"status"` // "broken" or "recovered"
	Reason     string    `json:"reason,omitempty"`
	ItemsFound int       `json:"items_found"`
	Since      time.Time `json:"since"` // when it broke
	At         time.Time `json:"at"`
}

// setBroken records reason on st and sends an alert when the source
// breaks or recovers.
func (s *Service) setBroken(ctx context.Context, src config.Source, st *State, reason string, now time.Time) {
	was := st.Broken
	st.Broken = reason
	switch {
	case was == "" && reason != "":
		st.BrokenSince = now
		s.log.Warn("scraper broken", "source", src.ID, "reason", reason)
		s.alert(ctx, src, st, "broken", now)
	case was != "" && reason == "":
		s.log.Info("scraper recovered", "source", src.ID)
		s.alert(ctx, src, st, "recovered", now)
		st.BrokenSince = time.Time{}
	}
}

func (s *Service) alert(ctx context.Context, src config.Source, st *State, status string, now time.Time) {
	a := Alert{Source: src.ID, Name: src.Name, URL: src.URL, Status: status, Reason: st.Broken,
		ItemsFound: st.ItemsFound, Since: st.BrokenSince, At: now}
	data, err := json.Marshal(a)
	if err == nil {
		err = s.js.Conn().Publish(bus.StatusSubject+"."+src.ID, data)
	}
	if err != nil && ctx.Err() == nil {
		s.log.Error("status alert not sent", "source", src.ID, "err", err)
	}
}
