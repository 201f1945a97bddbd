package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/services/publish"
)

// health answers /healthz (the process is alive) and /readyz (it can do
// its work): each only about the services this process runs, so a
// load balancer in front of publishers and an orchestrator watching an
// ingest replica each ask the right question.
type health struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	services []string
	pub      *publish.Publisher // nil unless publish runs here
}

// streamsOf are the streams a service reads or writes.
var streamsOf = map[string][]string{
	"ingest":   {bus.RawStream},
	"classify": {bus.RawStream, bus.ClassifiedStream},
	"dedup":    {bus.ClassifiedStream, bus.CuratedStream},
	"publish":  {bus.CuratedStream, bus.AuditStream, bus.OutStream},
}

func (h health) live(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"alive": true, "services": h.services}
	if h.pub != nil {
		body["items"] = h.pub.ItemCount()
	}
	writeJSON(w, http.StatusOK, body)
}

// ready checks the NATS connection, the streams this process uses and,
// with publish, that the view has been rebuilt from the curated stream.
func (h health) ready(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{}
	ok := true
	fail := func(name, why string) { checks[name], ok = why, false }
	if st := h.nc.Status(); st == nats.CONNECTED {
		checks["nats"] = "ok"
	} else {
		fail("nats", "not connected: "+st.String())
	}
	if ok {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var names []string
		for _, s := range h.services {
			for _, n := range streamsOf[s] {
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
		checks["streams"] = "ok"
		for _, n := range names {
			if _, err := h.js.Stream(ctx, n); err != nil {
				fail("streams", n+": "+err.Error())
				break
			}
		}
	}
	if h.pub != nil {
		if h.pub.Ready() {
			checks["view"] = "ok"
		} else {
			fail("view", "rebuilding from the curated stream")
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]any{"ready": ok, "services": h.services, "checks": checks})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
