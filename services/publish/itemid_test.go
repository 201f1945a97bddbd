package publish

import "testing"

// Every id form the feeds show leads back to the item.
func TestItemIDForms(t *testing.T) {
	const id = "4fb22704663e137e58efc8f697861bae"
	for _, form := range []string{id, guid(id), "urn:baken:" + id} {
		if got := itemID(form); got != id {
			t.Errorf("itemID(%q) = %q, want %q", form, got, id)
		}
	}
	if got := itemID(guid("kort")); got != "kort" {
		t.Errorf("short id: %q", got)
	}
}
