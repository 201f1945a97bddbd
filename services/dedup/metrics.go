package dedup

import "github.com/prometheus/client_golang/prometheus"

// newOutcomes is the counter of dedup's decisions, registered on reg.
func newOutcomes(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "baken_dedup_items_total",
		Help: "Items seen by dedup, by outcome (new, update, reclassified, duplicate, near_duplicate, repeat).",
	}, []string{"outcome"})
	reg.MustRegister(c)
	return c
}

// Registerer puts dedup's metrics on reg (by default a registry of their own).
func Registerer(reg prometheus.Registerer) Option { return func(o *options) { o.reg = reg } }
