package main

import "testing"

func TestPublicURL(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"0.0.0.0:9090":   "http://127.0.0.1:9090",
		":9090":          "http://127.0.0.1:9090",
		"[::1]:8080":     "http://[::1]:8080",
		"baken.lan:80":   "http://baken.lan:80",
	}
	for in, want := range tests {
		if got := publicURL(in); got != want {
			t.Errorf("publicURL(%q) = %q, want %q", in, got, want)
		}
	}
}
