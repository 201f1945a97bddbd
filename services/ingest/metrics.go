package ingest

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var fetches = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "baken_ingest_fetches_total",
	Help: "Source polls by source and result (ok, error).",
}, []string{"source", "result"})

var busUnavailableTotal = promauto.NewCounter(prometheus.CounterOpts{
	Name: "baken_ingest_bus_unavailable_total",
	Help: "Polls that could not write to NATS in time; not counted against the source.",
})

var leasesHeld = promauto.NewGauge(prometheus.GaugeOpts{
	Name: "baken_ingest_lease_shards_held",
	Help: "Shards of the sources this ingest replica holds (of 32).",
})
