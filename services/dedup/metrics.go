package dedup

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var deduped = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "baken_dedup_items_total",
	Help: "Items seen by dedup, by outcome (new, update, reclassified, duplicate, near_duplicate, repeat).",
}, []string{"outcome"})
