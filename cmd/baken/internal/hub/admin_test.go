package hub

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAdmin(t *testing.T) {
	tests := []struct {
		addr    string
		wantErr string
	}{
		{"127.0.0.1:0", ""},
		{"localhost:0", ""},
		{"0.0.0.0:0", "loopback only"},
		{"192.0.2.1:6060", "loopback only"},
		{"nonsense", "missing port"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			srv, err := startAdmin(tt.addr, slog.New(slog.DiscardHandler))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			srv.Close()
		})
	}
}

func TestAdminServesProfiles(t *testing.T) {
	mux := adminHandler()
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1", "/debug/pprof/nothing"} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, _ := io.ReadAll(rec.Body)
		want := http.StatusOK
		if strings.HasSuffix(path, "nothing") {
			want = http.StatusNotFound
		}
		if rec.Code != want || len(body) == 0 {
			t.Errorf("%s: %d (want %d), %d bytes", path, rec.Code, want, len(body))
		}
	}
}
