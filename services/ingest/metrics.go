package ingest

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var fetches = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "baken_ingest_fetches_total",
	Help: "Source polls by source and result (ok, error, bus_error: the bus did not store the items; not charged to the source).",
}, []string{"source", "result"})
