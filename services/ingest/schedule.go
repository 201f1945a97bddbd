package ingest

import (
	"slices"
	"time"
)

// recentPosts is how many post dates the rate is estimated from.
const recentPosts = 10

// pollsPerPost is how many polls fall in the average time between two
// posts: a source posting daily is read every six hours.
const pollsPerPost = 4

// observe adds the dates of items to the newest post dates in recent.
func observe(recent []time.Time, posts []time.Time) []time.Time {
	all := append(slices.Clone(recent), posts...)
	slices.SortFunc(all, func(a, b time.Time) int { return b.Compare(a) })
	all = slices.CompactFunc(all, func(a, b time.Time) bool { return a.Equal(b) })
	return all[:min(len(all), recentPosts)]
}

// pollInterval fits the polling interval to a source's post rate: a
// quarter of the average gap between its recent posts, or of the time
// since its last post when it has gone quiet for longer, within lo and hi.
// With fewer than two posts known it polls at lo.
func pollInterval(recent []time.Time, now time.Time, lo, hi time.Duration) time.Duration {
	if len(recent) < 2 {
		return lo
	}
	gap := recent[0].Sub(recent[len(recent)-1]) / time.Duration(len(recent)-1)
	if quiet := now.Sub(recent[0]); quiet > gap {
		gap = quiet
	}
	return min(max(gap/pollsPerPost, lo), hi)
}
