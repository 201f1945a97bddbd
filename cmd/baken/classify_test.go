package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestClassifyCmd(t *testing.T) {
	in := strings.NewReader(`{"id":"a","source":"veiligheidscoalitie","title":"Drugslab opgerold in Amersfoort","summary":"De politie vond een drugslab in een schuur."}

{"id":"b","title":"Terrorist threat level raised","summary":"The terrorist threat level is now 4.","language":"en"}
`)
	var out bytes.Buffer
	if err := classifyCmd(nil, in, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d output lines, want 2:\n%s", len(lines), out.String())
	}
	var a struct {
		ID     string `json:"id"`
		Themes []struct {
			ID      string   `json:"id"`
			Score   float64  `json:"score"`
			Matched []string `json:"matched"`
		} `json:"themes"`
		Places    []string `json:"places"`
		Districts []string `json:"districts"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID != "a" || len(a.Themes) == 0 || a.Themes[0].ID != "ondermijning" || len(a.Themes[0].Matched) == 0 ||
		strings.Join(a.Places, ",") != "Amersfoort" || strings.Join(a.Districts, ",") != "midden-nederland" {
		t.Errorf("line 1 = %s", lines[0])
	}
	if !strings.Contains(lines[1], `"id":"terrorisme"`) {
		t.Errorf("line 2 = %s, want terrorisme", lines[1])
	}

	err := classifyCmd(nil, strings.NewReader("{\"id\":\"a\"}\nnot json\n"), &out)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad input: error %v, want one naming line 2", err)
	}
}
