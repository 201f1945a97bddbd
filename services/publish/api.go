package publish

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
)

// itemResponse is an item as shown, with why.
type itemResponse struct {
	Item      item.Item      `json:"item"`
	Shown     bool           `json:"shown"`
	Overrides curation.State `json:"overrides"`
}

// serveItem answers GET /api/items/{id}: the item after overrides, with
// its themes (scores and matched terms) and the overrides in force.
func (p *Publisher) serveItem(w http.ResponseWriter, r *http.Request) {
	id := itemID(r.PathValue("id"))
	it, shown, ok := p.view.Item(id)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no item " + id})
		return
	}
	it.Content = sanitize.HTML(it.Content)
	writeJSON(w, http.StatusOK, itemResponse{Item: it, Shown: shown, Overrides: p.view.Override(id)})
}

// postOverride answers POST /api/overrides with an Override as JSON body:
// {"item_id","action":"pin|remove|hide|unhide|reset","theme","who","why"}.
func (p *Publisher) postOverride(w http.ResponseWriter, r *http.Request) {
	if !p.authorised(w, r) {
		return
	}
	// A form or text/plain body is what a cross-site page can post
	// without asking; only JSON is read.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "body must be application/json"})
		return
	}
	var o curation.Override
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body: " + err.Error()})
		return
	}
	if dec.More() {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body: one JSON object, nothing after it"})
		return
	}
	st, code, err := p.applyOverride(r.Context(), o)
	if err != nil {
		writeJSON(w, code, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// errNoItem is an override of an item there is none of.
var errNoItem = errors.New("no item")

// applyOverride records an editor's override, from the API or the desk:
// it answers the item's new state, or the status and error to report.
func (p *Publisher) applyOverride(ctx context.Context, o curation.Override) (curation.State, int, error) {
	if _, _, ok := p.view.Item(o.ItemID); !ok && o.ItemID != "" {
		return curation.State{}, http.StatusNotFound, fmt.Errorf("%w %s", errNoItem, o.ItemID)
	}
	st, rev, err := p.store.Apply(ctx, o, p.themeIDs())
	if err != nil {
		return curation.State{}, http.StatusBadRequest, err
	}
	// At once, not when the watch brings it back: the editor's next page
	// and every feed already show the change.
	p.view.SetOverride(o.ItemID, st, rev)
	p.log.Info("override", "item_id", o.ItemID, "action", o.Action, "theme", o.Theme, "who", o.Who)
	return st, http.StatusOK, nil
}

// serveAudit answers GET /api/overrides/audit[?item=ID&limit=N]. It names
// editors, so it needs the token like a write.
func (p *Publisher) serveAudit(w http.ResponseWriter, r *http.Request) {
	if !p.authorised(w, r) {
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	list, err := p.store.Audit(r.Context(), r.URL.Query().Get("item"), limit)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	if list == nil {
		list = []curation.Override{}
	}
	writeJSON(w, http.StatusOK, list)
}

// authorised checks the bearer token, answering the request when it is
// missing or wrong. Without a configured token nobody is: writes are
// closed by default.
func (p *Publisher) authorised(w http.ResponseWriter, r *http.Request) bool {
	if p.opts.APIToken == "" {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "writes are disabled: no publish.api_token is configured; " +
			"set one (api_token: ${BAKEN_API_TOKEN}, with BAKEN_API_TOKEN in the service's environment) and send it as Authorization: Bearer <token>"})
		return false
	}
	got := r.Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+p.opts.APIToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="baken"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or wrong bearer token"})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// itemID reads an item id in any form the feeds show it: the id itself,
// the urn:uuid: of RSS guids, Atom and JSON ids, or urn:baken:.
func itemID(s string) string {
	switch {
	case strings.HasPrefix(s, "urn:uuid:"):
		return strings.ReplaceAll(strings.TrimPrefix(s, "urn:uuid:"), "-", "")
	case strings.HasPrefix(s, "urn:baken:"):
		return strings.TrimPrefix(s, "urn:baken:")
	}
	return s
}
