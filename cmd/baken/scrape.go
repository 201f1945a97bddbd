package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/services/ingest"
)

// scrapeCmd reads one html source once, as the first import would, and
// prints the items it would publish as JSON Lines, with a report on how
// the selectors did on stderr: the way to develop a scraper configuration
// against a live page.
func scrapeCmd(args []string, out, report io.Writer) error {
	fs := flag.NewFlagSet("scrape", flag.ExitOnError)
	cfgPath := fs.String("config", "", "configuration `file` holding the source")
	pageURL := fs.String("url", "", "scrape this list page `url` with the selector flags instead")
	pages := fs.Int("pages", 0, "list pages to read (default: the source's depth)")
	var sc config.Scrape
	for _, f := range []struct {
		p          *string
		name, what string
	}{
		{&sc.Item, "item", "item"}, {&sc.Title, "title", "title"}, {&sc.Link, "link", "link"},
		{&sc.Date, "date", "date"}, {&sc.Summary, "summary", "summary"}, {&sc.Category, "category", "category"},
		{&sc.Next, "next", "next page link"}, {&sc.Body, "body", "article body (with --follow)"},
	} {
		fs.StringVar(f.p, f.name, "", "with --url: the "+f.what+" `selector`")
	}
	fs.BoolVar(&sc.Follow, "follow", false, "with --url: read each item's article page")
	fs.StringVar(&sc.Timezone, "timezone", "", "with --url: time zone of dates without one (default Europe/Amsterdam)")
	allowPrivate := fs.Bool("allow-private", false, "with --url: allow loopback and private addresses (a copy of the page on this machine)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: baken scrape --config FILE SOURCE_ID\n       baken scrape --url URL --item SEL --title SEL [--date SEL ...]\n\nFlags:")
		fs.PrintDefaults()
	}
	ids := parseInterleaved(fs, args)

	cfg, src, err := scrapeSource(*cfgPath, *pageURL, ids, sc)
	if err != nil {
		return err
	}
	src.AllowPrivate = src.AllowPrivate || *allowPrivate
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s, err := ingest.NewScraper(cfg.Ingest, slog.New(slog.NewTextHandler(report, nil)))
	if err != nil {
		return err
	}
	res, err := s.Scrape(ctx, src, ingest.ScrapeOptions{Now: time.Now(), Pages: *pages})
	if err != nil {
		return fmt.Errorf("scrape %s: %w", src.ID, err)
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, it := range res.Items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	writeReport(report, src, res)
	if reason := ingest.BrokenReason(src.Scrape, res); reason != "" {
		return fmt.Errorf("scrape %s: looks broken: %s", src.ID, reason)
	}
	return nil
}

// scrapeSource is the source named in the configuration file, or the one
// the flags describe.
func scrapeSource(cfgPath, pageURL string, ids []string, sc config.Scrape) (config.Config, config.Source, error) {
	switch {
	case cfgPath != "" && len(ids) == 1:
		cfg, err := config.Load(cfgPath)
		if err != nil {
			return cfg, config.Source{}, err
		}
		src, ok := cfg.Source(ids[0])
		if !ok {
			return cfg, src, fmt.Errorf("scrape: no source %q in %s", ids[0], cfgPath)
		}
		if src.Kind != "html" {
			return cfg, src, fmt.Errorf("scrape: source %s is of kind %s, not html", src.ID, src.Kind)
		}
		return cfg, src, nil
	case pageURL != "" && len(ids) == 0:
		cfg := config.Default()
		src := config.Source{ID: "url", Name: pageURL, Kind: "html", URL: pageURL, Schedule: cfg.Ingest.Schedule, Scrape: &sc}
		cfg.Sources = []config.Source{src}
		if err := cfg.Validate(); err != nil {
			return cfg, src, fmt.Errorf("scrape: %w", err)
		}
		return cfg, src, nil
	}
	return config.Config{}, config.Source{}, errors.New("scrape: give --config FILE SOURCE_ID, or --url URL with selectors")
}

// writeReport says what the selectors found.
func writeReport(w io.Writer, src config.Source, res *ingest.ScrapeResult) {
	fmt.Fprintf(w, "%s: %d items from %d matches on %d page(s)", src.ID, len(res.Items), res.Found, res.Pages)
	if src.Scrape.Follow {
		fmt.Fprintf(w, ", %d article pages read", res.Followed)
	}
	fmt.Fprintln(w)
	var fields []string
	for f := range res.Missing {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		fmt.Fprintf(w, "  %s missing on %d\n", f, res.Missing[f])
	}
	for _, e := range res.Skipped {
		fmt.Fprintf(w, "  skipped %s\n", strings.TrimSpace(e.Error()))
	}
}
