package publish

import (
	"fmt"
	"strings"
)

// hubURL is where Baken's own WebSub hub answers.
func (p *Publisher) hubURL() string { return p.opts.BaseURL + "/websub" }

// topicFeed reads a topic URL as a feed key and format; ok is false for
// anything that is not one of the feeds served here.
func (p *Publisher) topicFeed(topic string) (key, format string, ok bool) {
	path, found := strings.CutPrefix(topic, p.opts.BaseURL+"/feeds/")
	if !found {
		return "", "", false
	}
	dot := strings.LastIndexByte(path, '.')
	if dot < 0 {
		return "", "", false
	}
	key, format = path[:dot], path[dot+1:]
	if _, known := formats[format]; !known || !p.validKey(key) {
		return "", "", false
	}
	return key, format, true
}

// Known tells the hub whether topic is a feed of this publisher.
func (p *Publisher) Known(topic string) bool {
	_, _, ok := p.topicFeed(topic)
	return ok
}

// Content gives the hub a topic's current document and its ETag.
func (p *Publisher) Content(topic string) ([]byte, string, string, error) {
	key, format, ok := p.topicFeed(topic)
	if !ok {
		return nil, "", "", fmt.Errorf("publish: %s is not a feed of this hub", topic)
	}
	doc, err := p.render(key, format)
	if err != nil {
		return nil, "", "", err
	}
	return doc.body, formats[format], doc.etag, nil
}
