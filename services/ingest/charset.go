package ingest

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/htmlindex"
)

// metaCharset finds the charset a page's <meta> declares, in the first
// 1024 bytes as browsers look for it.
var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)`)

// declaredCharset is the charset the Content-Type header names, else the
// page's <meta>; "" when neither names one.
func declaredCharset(body []byte, contentType string) string {
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		return params["charset"]
	}
	head := body[:min(len(body), 1024)]
	if m := metaCharset.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// checkCharset returns an error naming the charset a page declares when
// Baken does not know it, or when the page decoded with it does not look
// like HTML (a page that says UTF-16 but is not) or is not valid UTF-8
// while it says it is: otherwise such a page yields garbage and the error
// would only be that the item selector matched nothing.
func checkCharset(raw, decoded []byte, contentType string) error {
	name := declaredCharset(raw, contentType)
	if name == "" {
		return nil
	}
	if _, err := htmlindex.Get(name); err != nil {
		return fmt.Errorf("page declares charset %q, which is unknown", name)
	}
	if isUTF8Name(name) {
		if bad := countInvalid(raw); bad > 3 && bad*1000 > len(raw) {
			return fmt.Errorf("page declares charset %q but %d byte sequences are not %s (the page is in another charset?)", name, bad, name)
		}
		return nil
	}
	head := decoded[:min(len(decoded), 2048)]
	if !bytes.Contains(head, []byte("<")) || bytes.Count(head, []byte("\uFFFD"))*20 > utf8.RuneCount(head) {
		return fmt.Errorf("page declares charset %q but does not read as HTML in it (the charset is wrong?)", name)
	}
	return nil
}

// charsetReaderName is how charset.NewReader names what it picked; only
// used in errors.
func charsetReaderName(raw []byte, contentType string) string {
	_, name, _ := charset.DetermineEncoding(raw, contentType)
	return strings.ToLower(name)
}
