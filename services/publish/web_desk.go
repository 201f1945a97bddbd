package publish

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/curation"
	"github.com/bakenhub/baken/pkg/nltime"
)

// The editors' desk: sign in with the API token, then pin, remove, hide,
// unhide and reset items through the same code path as POST
// /api/overrides, and read the audit trail. Every form carries a CSRF
// token; the session cookie is HttpOnly and SameSite=Strict.

func (p *Publisher) deskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /desk", p.serveDesk)
	mux.HandleFunc("POST /desk/login", p.postLogin)
	mux.HandleFunc("POST /desk/logout", p.postLogout)
	mux.HandleFunc("GET /desk/items/{id}", p.serveDeskItem)
	mux.HandleFunc("POST /desk/overrides", p.postDeskOverride)
	mux.HandleFunc("GET /desk/audit", p.serveDeskAudit)
}

// deskPage is what every desk page shows besides its own data.
type deskPage struct {
	Closed  bool   // no API token configured
	CSRF    string // the session's token, or the login form's
	Error   string
	Notice  string
	Editor  string
	Content any
}

// signedIn returns the session, or answers with the login form.
func (p *Publisher) signedIn(w http.ResponseWriter, r *http.Request) (session, bool) {
	if se, ok := p.web.session(r); ok {
		return se, true
	}
	p.loginForm(w, r, http.StatusUnauthorized, "")
	return session{}, false
}

// signedForm returns the session of a form post whose CSRF token is the
// session's, or answers the request.
func (p *Publisher) signedForm(w http.ResponseWriter, r *http.Request) (session, bool) {
	se, ok := p.signedIn(w, r)
	if ok && !p.web.sessions.checkCSRF(se, r.PostFormValue("csrf")) {
		http.Error(w, "ongeldig formulier (CSRF)", http.StatusForbidden)
		return session{}, false
	}
	return se, ok
}

func (p *Publisher) loginForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	d := deskPage{Closed: p.web.sessions == nil, Error: msg}
	if !d.Closed {
		d.CSRF = randomID()
		http.SetCookie(w, p.cookie(r, loginCookie, d.CSRF, 3600))
	}
	p.renderPage(w, r, status, "login", page{Title: "Redactie: aanmelden", Nav: "desk", Data: d, Noindex: true})
}

// serveDesk answers /desk: the login form, or the latest items and
// overrides.
func (p *Publisher) serveDesk(w http.ResponseWriter, r *http.Request) {
	se, ok := p.web.session(r)
	if !ok {
		p.loginForm(w, r, http.StatusOK, "")
		return
	}
	recent, err := p.store.Audit(r.Context(), "", 20)
	d := deskPage{CSRF: p.web.sessions.csrf(se), Editor: se.Who}
	if err != nil {
		d.Error = "het logboek kon niet worden gelezen: " + err.Error()
	}
	slices.Reverse(recent)
	d.Content = struct {
		Items  []listItem
		Recent []curation.Override
	}{p.listItems(p.view.Feed(allKey, p.opts.FeedSize).Items), recent}
	p.renderPage(w, r, http.StatusOK, "desk", page{Title: "Redactie", Nav: "desk", Data: d, Noindex: true})
}

// postLogin checks the token (in constant time) and the login form's CSRF
// token, and starts a session.
func (p *Publisher) postLogin(w http.ResponseWriter, r *http.Request) {
	if p.web.sessions == nil {
		p.loginForm(w, r, http.StatusForbidden, "")
		return
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		p.loginForm(w, r, http.StatusForbidden, "Het formulier is verlopen; probeer het opnieuw.")
		return
	}
	who := strings.TrimSpace(r.PostFormValue("who"))
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(p.opts.APIToken)) != 1 || who == "" {
		p.log.Warn("desk login refused", "who", who)
		p.loginForm(w, r, http.StatusUnauthorized, "Naam of token klopt niet.")
		return
	}
	se := session{Who: who, ID: randomID(), Expires: time.Now().Add(p.web.sessions.ttl)}
	http.SetCookie(w, p.cookie(r, sessionCookie, p.web.sessions.encode(se), int(p.web.sessions.ttl.Seconds())))
	http.SetCookie(w, p.cookie(r, loginCookie, "", -1))
	p.log.Info("desk login", "who", who)
	http.Redirect(w, r, "/desk", http.StatusSeeOther)
}

func (p *Publisher) postLogout(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.signedForm(w, r); !ok {
		return
	}
	http.SetCookie(w, p.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/desk", http.StatusSeeOther)
}

// deskItem is an item with the actions an editor can take on it.
type deskItem struct {
	Item   itemPage
	Themes []checkOption
	Audit  []curation.Override
}

func (p *Publisher) serveDeskItem(w http.ResponseWriter, r *http.Request) {
	se, ok := p.signedIn(w, r)
	if !ok {
		return
	}
	p.renderDeskItem(w, r, se, itemID(r.PathValue("id")), http.StatusOK, r.URL.Query().Get("gedaan"), "")
}

var actionNames = map[string]string{curation.Pin: "vastgezet in het thema", curation.Remove: "uit het thema gehaald",
	curation.Hide: "verborgen", curation.Unhide: "weer zichtbaar gemaakt", curation.Reset: "teruggezet naar de classificatie"}

func (p *Publisher) renderDeskItem(w http.ResponseWriter, r *http.Request, se session, id string, status int, done, msg string) {
	it, shown, ok := p.view.Item(id)
	if !ok {
		p.notFound(w, r, "Er is geen bericht met dit kenmerk.")
		return
	}
	st := p.view.Override(id)
	di := deskItem{Item: itemPage{Item: it, Shown: shown, SourceName: p.sourceName(it.Source), Overrides: st, Overridden: !st.Empty()}}
	for _, t := range p.opts.Themes {
		di.Themes = append(di.Themes, checkOption{ID: t.ID, Name: t.Name, Checked: slices.Contains(it.ThemeIDs(), t.ID)})
	}
	audit, err := p.store.Audit(r.Context(), id, 50)
	if err != nil && msg == "" {
		msg = "het logboek kon niet worden gelezen: " + err.Error()
	}
	di.Audit = audit
	d := deskPage{CSRF: p.web.sessions.csrf(se), Editor: se.Who, Error: msg, Content: di}
	if n, ok := actionNames[done]; ok {
		d.Notice = "Het bericht is " + n + ". De feeds tonen het meteen."
	}
	p.renderPage(w, r, status, "deskitem", page{Title: "Redactie: " + it.Title, Nav: "desk", Data: d, Noindex: true})
}

// postDeskOverride takes the desk's form through applyOverride, the path
// of POST /api/overrides; the editor is the session's.
func (p *Publisher) postDeskOverride(w http.ResponseWriter, r *http.Request) {
	se, ok := p.signedForm(w, r)
	if !ok {
		return
	}
	o := curation.Override{ItemID: itemID(r.PostFormValue("item")), Action: r.PostFormValue("action"),
		Why: strings.TrimSpace(r.PostFormValue("why")), Who: se.Who}
	if o.Action == curation.Pin || o.Action == curation.Remove {
		o.Theme = r.PostFormValue("theme")
	}
	if _, code, err := p.applyOverride(r.Context(), o); err != nil {
		p.renderDeskItem(w, r, se, o.ItemID, code, "", "Niet gelukt: "+err.Error())
		return
	}
	http.Redirect(w, r, "/desk/items/"+url.PathEscape(o.ItemID)+"?gedaan="+url.QueryEscape(o.Action), http.StatusSeeOther)
}

// auditFilter is the audit page's form.
type auditFilter struct {
	Item, Who, Action, Since, Until string
}

func (f auditFilter) match(o curation.Override) bool {
	day := func(s string) (time.Time, bool) {
		t, err := time.ParseInLocation("2006-01-02", s, nltime.Zone)
		return t, err == nil
	}
	if f.Who != "" && !strings.Contains(strings.ToLower(o.Who), strings.ToLower(f.Who)) {
		return false
	}
	if f.Action != "" && o.Action != f.Action {
		return false
	}
	if t, ok := day(f.Since); ok && o.At.Before(t) {
		return false
	}
	if t, ok := day(f.Until); ok && !o.At.Before(t.AddDate(0, 0, 1)) {
		return false
	}
	return true
}

// serveDeskAudit answers /desk/audit: the audit trail, newest first, with
// filters by item, editor, action and period.
func (p *Publisher) serveDeskAudit(w http.ResponseWriter, r *http.Request) {
	se, ok := p.signedIn(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	f := auditFilter{Item: itemID(strings.TrimSpace(q.Get("item"))), Who: strings.TrimSpace(q.Get("who")), Action: q.Get("action"), Since: q.Get("since"), Until: q.Get("until")}
	all, err := p.store.Audit(r.Context(), f.Item, 0)
	d := deskPage{CSRF: p.web.sessions.csrf(se), Editor: se.Who}
	if err != nil {
		d.Error = "het logboek kon niet worden gelezen: " + err.Error()
	}
	var list []curation.Override
	for i := len(all) - 1; i >= 0 && len(list) < 500; i-- {
		if f.match(all[i]) {
			list = append(list, all[i])
		}
	}
	var actions []checkOption
	for _, a := range []string{curation.Pin, curation.Remove, curation.Hide, curation.Unhide, curation.Reset} {
		actions = append(actions, checkOption{ID: a, Name: a, Checked: a == f.Action})
	}
	d.Content = struct {
		Filter  auditFilter
		Actions []checkOption
		List    []curation.Override
	}{f, actions, list}
	p.renderPage(w, r, http.StatusOK, "audit", page{Title: "Redactie: logboek", Nav: "desk", Data: d, Noindex: true})
}
