package ingest

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/robfig/cron/v3"

	"github.com/bakenhub/baken/pkg/config"
)

// SourceStatus is one source's health as /api/sources shows it.
type SourceStatus struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	URL         string    `json:"url"`
	OK          bool      `json:"ok"` // polled successfully and not broken
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastError   string    `json:"last_error,omitempty"`
	Failures    int       `json:"failures"`
	ItemsFound  int       `json:"items_found"`
	Broken      bool      `json:"broken"`
	// BrokenReason says what looks wrong with a scraper, since when.
	BrokenReason string    `json:"broken_reason,omitempty"`
	BrokenSince  time.Time `json:"broken_since,omitzero"`
	// NextAttempt is when the source will be polled next: after its
	// backoff or adaptive interval, on its schedule.
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Interval    string    `json:"interval,omitempty"` // adaptive polling interval
	// Pending items were found but wait for a later poll
	// (ingest.max_items_per_poll); Notes say what the last poll limited,
	// cut or repaired.
	Pending int      `json:"pending,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	// Behind says that the source's host has more sources than can be
	// polled within their schedule at its politeness delay.
	Behind string `json:"behind,omitempty"`
	// Limits are the bounds every poll of a source works within.
	Limits Limits `json:"limits"`
}

// LimitsOf are the limits of cfg on a bus whose largest message is
// maxPayload bytes.
func LimitsOf(cfg config.Ingest, maxPayload int64) Limits {
	return Limits{MaxItemsPerPoll: cfg.MaxItemsPerPoll, MaxBytes: cfg.MaxBytes, Timeout: cfg.Timeout.String(),
		MaxBackoff: cfg.MaxBackoff.String(), MaxItemBytes: itemBudget(maxPayload), HostDelay: cfg.HostDelay.String(), hostDelay: cfg.HostDelay}
}

// Limits are the bounds of one poll, as configured.
type Limits struct {
	MaxItemsPerPoll int    `json:"max_items_per_poll"` // 0: none
	MaxBytes        int64  `json:"max_bytes"`
	Timeout         string `json:"timeout"`
	MaxBackoff      string `json:"max_backoff"`
	MaxItemBytes    int    `json:"max_item_bytes,omitempty"` // larger items are cut
	HostDelay       string `json:"host_delay,omitempty"`
	hostDelay       time.Duration
}

// Statuses reads the state of every source of the configuration from the
// fetch bucket, in configuration order.
func Statuses(ctx context.Context, kv jetstream.KeyValue, sources []config.Source, now time.Time) ([]SourceStatus, error) {
	return StatusesWith(ctx, kv, sources, Limits{}, now)
}

// StatusesWith is Statuses with the limits every source works within.
func StatusesWith(ctx context.Context, kv jetstream.KeyValue, sources []config.Source, limits Limits, now time.Time) ([]SourceStatus, error) {
	states := States{kv}
	out := make([]SourceStatus, 0, len(sources))
	behind := map[string]string{}
	for _, h := range HostLoads(sources, limits.hostDelay) {
		if h.Behind() {
			behind[h.Host] = h.String()
		}
	}
	for _, src := range sources {
		st, err := states.Get(ctx, src.ID)
		if err != nil {
			return nil, err
		}
		s := SourceStatus{
			ID: src.ID, Name: src.Name, Kind: src.Kind, URL: src.URL,
			LastAttempt: st.LastAttempt, LastSuccess: st.LastSuccess, LastError: st.LastError,
			Failures: st.Failures, ItemsFound: st.ItemsFound,
			Broken: st.Broken != "", BrokenReason: st.Broken, BrokenSince: st.BrokenSince,
			NextAttempt: nextAttempt(src, st, now),
			Pending:     st.Pending, Notes: st.Notes, Limits: limits,
		}
		s.OK = !s.LastSuccess.IsZero() && s.Failures == 0 && !s.Broken
		if st.Interval > 0 {
			s.Interval = st.Interval.String()
		}
		if u, err := url.Parse(src.URL); err == nil {
			s.Behind = behind[strings.ToLower(u.Hostname())]
		}
		out = append(out, s)
	}
	return out, nil
}

// nextAttempt is the first tick of src's schedule after its last attempt
// at which a poll is due: not before now, its backoff or its adaptive
// interval.
func nextAttempt(src config.Source, st State, now time.Time) time.Time {
	due := now
	for _, t := range []time.Time{st.NextAttempt, st.NextPoll} {
		if t.After(due) {
			due = t
		}
	}
	sched, err := cron.ParseStandard(src.Schedule)
	if err != nil {
		return due
	}
	tick := sched.Next(now)
	if !st.LastAttempt.IsZero() {
		tick = sched.Next(st.LastAttempt)
	}
	for range 100_000 {
		if !tick.Before(due) {
			return tick
		}
		tick = sched.Next(tick)
	}
	return due
}

// StatusHandler serves GET /sources (an HTML page) and GET /api/sources
// (JSON): per source its last success and error, items found, whether its
// scraper looks broken, and its next attempt, read from the fetch bucket.
func StatusHandler(kv jetstream.KeyValue, sources []config.Source, limits Limits, nc *nats.Conn) http.Handler {
	mux := http.NewServeMux()
	// read returns the page's data; with the bus down the sources cannot be
	// read, and the page says so rather than blaming them.
	read := func(r *http.Request) (StatusReport, int) {
		rep := StatusReport{Bus: BusStateOf(nc), Limits: limits}
		st, err := StatusesWith(r.Context(), kv, sources, limits, time.Now())
		if err != nil {
			rep.Error = "source states unreadable: " + err.Error()
			return rep, http.StatusServiceUnavailable
		}
		rep.Sources = st
		return rep, http.StatusOK
	}
	mux.HandleFunc("GET /api/sources", func(w http.ResponseWriter, r *http.Request) {
		rep, code := read(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	})
	mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) {
		rep, code := read(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		if err := statusPage.Execute(w, rep); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	return mux
}

// StatusReport is what /api/sources answers: the hub's bus, then every
// source's health.
type StatusReport struct {
	Bus     BusState       `json:"bus"`
	Limits  Limits         `json:"limits"`
	Error   string         `json:"error,omitempty"`
	Sources []SourceStatus `json:"sources"`
}

var statusPage = template.Must(template.New("sources").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.Local().Format("2006-01-02 15:04:05")
	},
}).Parse(`<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Baken: sources</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}
.ok{color:#176f2c}.failing{color:#b00020}.broken{color:#a15c00}small{color:#666}
</style></head><body>
<h1>Sources</h1>
<p><a href="/">Feeds</a> · <a href="/api/sources">JSON</a></p>
{{with .Bus}}<p id="bus">Bus: {{if .Connected}}<span class="ok">connected</span> <small>{{.Server}}</small>{{else}}<span class="failing">{{.Status}}</span> <small>{{.LastError}}: nothing is published until it is back; sources are not blamed</small>{{end}}</p>{{end}}
{{with .Error}}<p class="failing">{{.}}</p>{{end}}
{{with .Limits}}<p><small>Per poll: at most {{if .MaxItemsPerPoll}}{{.MaxItemsPerPoll}}{{else}}any number of{{end}} new or changed items, {{.MaxBytes}} bytes per response, {{.Timeout}} per request; items over {{.MaxItemBytes}} bytes are cut; backoff up to {{.MaxBackoff}}.</small></p>{{end}}
<table>
<tr><th>Source</th><th>Status</th><th>Last success</th><th>Items found</th><th>Last error</th><th>Next attempt</th></tr>
{{range .Sources}}<tr id="{{.ID}}">
<td><a href="{{.URL}}">{{.Name}}</a><br><small>{{.ID}} · {{.Kind}}</small></td>
<td>{{if .Broken}}<span class="broken">broken</span><br><small>{{.BrokenReason}} (since {{when .BrokenSince}})</small>{{else if .LastError}}<span class="failing">failing</span><br><small>{{.Failures}} in a row</small>{{else if .OK}}<span class="ok">ok</span>{{else}}not polled yet{{end}}</td>
<td>{{when .LastSuccess}}</td>
<td>{{.ItemsFound}}{{if .Pending}}<br><small>{{.Pending}} waiting</small>{{end}}</td>
<td>{{.LastError}}{{range .Notes}}<br><small>{{.}}</small>{{end}}{{with .Behind}}<br><small class="behind">{{.}}</small>{{end}}</td>
<td>{{when .NextAttempt}}{{if .Interval}}<br><small>every {{.Interval}}</small>{{end}}</td>
</tr>
{{end}}</table>
</body></html>
`))
