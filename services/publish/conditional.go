package publish

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A rendered feed is served from memory as it is and, to clients that
// accept it, gzip-compressed: compressed once per feed version, on first
// request. Each representation has its own strong ETag; both answer
// If-None-Match and If-Modified-Since with 304 without touching the body.

// gzipped returns the compressed body of doc, compressing it once.
func (doc *rendered) gzipped() []byte {
	doc.gzOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(doc.body)
		_ = zw.Close()
		doc.gz = b.Bytes()
	})
	return doc.gz
}

// gzipETag is the ETag of the compressed representation.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gz"` }

// serveDoc answers a GET or HEAD for doc: 304 when the client has it,
// else the body, compressed when the client accepts gzip.
func serveDoc(w http.ResponseWriter, r *http.Request, doc *rendered, ctype string) {
	gz := acceptsGzip(r.Header.Get("Accept-Encoding"))
	etag, body := doc.etag, doc.body
	if gz {
		etag = doc.gzETag
	}
	h := w.Header()
	h["Content-Type"] = []string{ctype}
	h["Etag"] = []string{etag}
	h["Last-Modified"] = doc.lastModified
	h["Vary"] = varyEncoding
	if notModified(r, doc, etag) {
		delete(h, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if gz {
		body = doc.gzipped()
		h["Content-Encoding"] = gzipEncoding
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

var (
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
)

// notModified applies RFC 9110's precedence: If-None-Match when present
// (either representation's ETag matches: the content is the same), else
// If-Modified-Since.
func notModified(r *http.Request, doc *rendered, etag string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for tag := range strings.SplitSeq(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == doc.etag || tag == doc.gzETag || tag == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !doc.modTime.After(t)
	}
	return false
}

// acceptsGzip reads Accept-Encoding: gzip (or x-gzip, or *) with a
// quality above zero.
func acceptsGzip(ae string) bool {
	if ae == "" {
		return false
	}
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "x-gzip" && name != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// etagOf is the strong ETag of a body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// hubLinks is the Link header naming the WebSub hub and the document.
func hubLinks(hub, self string) string {
	return fmt.Sprintf(`<%s>; rel="hub", <%s>; rel="self"`, hub, self)
}

// newRendered fills in what serving a document needs.
func newRendered(version uint64, body []byte, etag string, modTime time.Time) *rendered {
	return &rendered{version: version, body: body, etag: etag, gzETag: gzipETag(etag), modTime: modTime,
		lastModified: []string{modTime.UTC().Format(http.TimeFormat)}}
}

// rendered is a feed document ready to serve.
type rendered struct {
	version      uint64
	body         []byte
	etag         string
	gzETag       string
	modTime      time.Time
	lastModified []string
	gzOnce       sync.Once
	gz           []byte
	links        []string // the Link header: the WebSub hub and the feed itself
}
