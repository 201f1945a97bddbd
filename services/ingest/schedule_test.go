package ingest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bakenhub/baken/pkg/config"
)

func TestPollInterval(t *testing.T) {
	now := time.Date(2024, 1, 6, 12, 0, 0, 0, time.UTC)
	every := func(gap time.Duration, n int, last time.Time) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, last.Add(-time.Duration(i)*gap))
		}
		return ts
	}
	const lo, hi = 5 * time.Minute, 6 * time.Hour
	tests := []struct {
		name   string
		recent []time.Time
		want   time.Duration
	}{
		{"nothing known yet", nil, lo},
		{"one post", []time.Time{now.Add(-time.Hour)}, lo},
		{"hourly", every(time.Hour, 10, now.Add(-10*time.Minute)), 15 * time.Minute},
		{"several an hour", every(5*time.Minute, 10, now.Add(-time.Minute)), lo},
		{"daily", every(24*time.Hour, 10, now.Add(-2*time.Hour)), hi},
		{"four posts a day", every(6*time.Hour, 10, now.Add(-time.Hour)), 90 * time.Minute},
		{"weekly", every(7*24*time.Hour, 5, now.Add(-24*time.Hour)), hi},
		{"hourly once, quiet for a day since", every(time.Hour, 10, now.Add(-24*time.Hour)), hi},
		{"hourly once, quiet for two hours", every(time.Hour, 10, now.Add(-2*time.Hour)), 30 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pollInterval(tt.recent, now, lo, hi); got != tt.want {
				t.Errorf("pollInterval = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestObserveKeepsNewestDistinct(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2023, 12, d, 9, 0, 0, 0, time.UTC) }
	var recent []time.Time
	recent = observe(recent, []time.Time{day(3), day(1), day(2)})
	recent = observe(recent, []time.Time{day(2), day(4)})
	for d := 5; d <= 20; d++ {
		recent = observe(recent, []time.Time{day(d)})
	}
	if len(recent) != recentPosts || !recent[0].Equal(day(20)) || !recent[9].Equal(day(11)) {
		t.Errorf("recent = %v", recent)
	}
}

// TestPollAdaptive: with min and max intervals set, a source that posts
// about daily is read every six hours (the max here), not on every tick.
func TestPollAdaptive(t *testing.T) {
	e := newEnv(t)
	site := e.pages()
	var cards []card
	for i := range 5 {
		cards = append(cards, card{title: fmt.Sprintf("Bericht %d", i), slug: fmt.Sprintf("b%d", i), date: fmt.Sprintf("%d dec. 2023", 20-i), intro: "Tekst."})
	}
	site.set("/nieuws", listPage(cards, ""))
	src := htmlSource("coalitie", e.srv.URL+"/nieuws", cardsScrape)
	s := e.serviceWith(t, func(c *config.Config) { c.Ingest.MinInterval, c.Ingest.MaxInterval = 10*time.Minute, 6*time.Hour }, src)
	ctx := context.Background()
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	st := e.state(t, s, src.ID)
	if st.Interval != 6*time.Hour || !st.NextPoll.Equal(e.clock.Now().Add(6*time.Hour)) || len(st.Recent) != 5 {
		t.Fatalf("state: interval %v, next poll %v, %d recent", st.Interval, st.NextPoll, len(st.Recent))
	}
	for range 5 { // the schedule ticks every 10 minutes
		e.clock.Advance(10 * time.Minute)
		if err := s.Poll(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	if n := site.count("/nieuws"); n != 1 {
		t.Errorf("list page read %d times within the interval, want once", n)
	}
	e.clock.Advance(6 * time.Hour)
	if err := s.Poll(ctx, src); err != nil {
		t.Fatal(err)
	}
	if n := site.count("/nieuws"); n != 2 {
		t.Errorf("list page read %d times after the interval, want twice", n)
	}
}
