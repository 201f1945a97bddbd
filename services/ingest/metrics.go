package ingest

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var fetches = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "baken_ingest_fetches_total",
	Help: "Source polls by source and result (ok, error).",
}, []string{"source", "result"})
