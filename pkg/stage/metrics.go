package stage

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var processed = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "baken_stage_messages_total",
	Help: "Messages handled by each pipeline stage, by result (ok, retry, dead).",
}, []string{"stage", "result"})
