package publish

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/bakenhub/baken/services/publish/ledger"
)

// hubURL is where Baken's own WebSub hub answers.
func (p *Publisher) hubURL() string { return p.opts.BaseURL + "/websub" }

// topic is a feed a subscriber can follow: a fixed feed or a custom one.
type topic struct {
	key, format string
	sel         selection // custom feeds only
}

// topicFeed reads a topic URL as a feed; ok is false for anything that is
// not the self URL of a feed served here. A custom feed's topic is its
// normalised URL (sorted parameters and ids), as its rel=self says.
func (p *Publisher) topicFeed(t string) (topic, bool) {
	path, found := strings.CutPrefix(t, p.opts.BaseURL+"/feeds/")
	if !found {
		return topic{}, false
	}
	path, rawQuery, _ := strings.Cut(path, "?")
	key, format, ok := p.feedPath(path, formats)
	if !ok {
		return topic{}, false
	}
	tp := topic{key: key, format: format}
	if tp.key != customKey {
		return tp, rawQuery == ""
	}
	u := &url.URL{RawQuery: rawQuery}
	sel, before, err := p.feedRequest(customKey, u)
	if err != nil || before.ID != "" || p.feedURL(customKey, tp.format, sel.query, ledger.Ref{}) != t {
		return topic{}, false
	}
	tp.sel = sel
	return tp, true
}

// Known tells the hub whether topic is a feed of this publisher.
func (p *Publisher) Known(topic string) bool {
	_, ok := p.topicFeed(topic)
	return ok
}

// Content gives the hub a topic's current document and its ETag.
func (p *Publisher) Content(topic string) ([]byte, string, string, error) {
	tp, ok := p.topicFeed(topic)
	if !ok {
		return nil, "", "", fmt.Errorf("publish: %s is not a feed of this hub", topic)
	}
	var doc *rendered
	var err error
	if tp.key == customKey {
		doc, err = p.renderSelection(customKey, tp.sel, tp.format, ledger.Ref{})
	} else {
		doc, err = p.render(tp.key, tp.format)
	}
	if err != nil {
		return nil, "", "", err
	}
	return doc.body, formats[tp.format], doc.etag, nil
}
