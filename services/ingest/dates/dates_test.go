package dates

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var amsterdam = mustLoad("Europe/Amsterdam")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// now is when the tests pretend to read the pages: 6 January 2024.
var now = time.Date(2024, 1, 6, 12, 0, 0, 0, amsterdam)

func TestParse(t *testing.T) {
	ams := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, amsterdam) }
	tests := []struct {
		in   string
		want time.Time
	}{
		// The seeds.
		{"20 dec. 2023", ams(2023, 12, 20, 0, 0)},
		{"Veiligheidsontwikkeling | 20 dec. 2023", ams(2023, 12, 20, 0, 0)},
		{"11 jul 2023", ams(2023, 7, 11, 0, 0)},
		{"24 juli 2021", ams(2021, 7, 24, 0, 0)},
		{"05:25\n24 juli 2021", ams(2021, 7, 24, 5, 25)},
		{"24 juli 2021 om 05:25", ams(2021, 7, 24, 5, 25)},
		{"18 sep 2023", ams(2023, 9, 18, 0, 0)},
		// No year: the most recent such day, on its weekday when given
		// (26 August 2019 was a Monday; 2023's was a Saturday).
		{"maandag 26 augustus", ams(2019, 8, 26, 0, 0)},
		{"26 augustus", ams(2023, 8, 26, 0, 0)},
		{"6 januari", ams(2024, 1, 6, 0, 0)},
		{"7 januari", ams(2023, 1, 7, 0, 0)},
		{"zaterdag 6 januari", ams(2024, 1, 6, 0, 0)},
		// Other Dutch and English forms.
		{"woensdag 20 december 2023, 10:32 uur", ams(2023, 12, 20, 10, 32)},
		{"1 mrt. 2023", ams(2023, 3, 1, 0, 0)},
		{"3 mei 2022 14.30 uur", ams(2022, 5, 3, 14, 30)},
		{"Nieuwsbericht | 12-12-2023", ams(2023, 12, 12, 0, 0)},
		{"12/12/2023 09:15", ams(2023, 12, 12, 9, 15)},
		{"Published on 5 December 2023", ams(2023, 12, 5, 0, 0)},
		{"December 5, 2023", ams(2023, 12, 5, 0, 0)},
		{"Tuesday, Dec 5th 2023 11:00", ams(2023, 12, 5, 11, 0)},
		{"3rd March 2022", ams(2022, 3, 3, 0, 0)},
		{"Gepubliceerd: 2023-11-20", ams(2023, 11, 20, 0, 0)},
		{"vandaag 08:05", ams(2024, 1, 6, 8, 5)},
		{"gisteren", ams(2024, 1, 5, 0, 0)},
		// Whole-text formats keep their own zone.
		{"2023-12-12T10:00:00+01:00", time.Date(2023, 12, 12, 9, 0, 0, 0, time.UTC)},
		{"2023-12-12T10:00:00Z", time.Date(2023, 12, 12, 10, 0, 0, 0, time.UTC)},
		{"2023-07-11T09:30", ams(2023, 7, 11, 9, 30)},
		{"2023-07-11", ams(2023, 7, 11, 0, 0)},
		{"Tue, 11 Jul 2023 00:00:00 +0200", ams(2023, 7, 11, 0, 0)},
		{"Mon, 13 Nov 2023 23:00:00 GMT", time.Date(2023, 11, 13, 23, 0, 0, 0, time.UTC)},
		{"Wed, 20 Dec 2023 09:00:00 CET", ams(2023, 12, 20, 9, 0)},
		{"\u00a020\u00a0dec.\u00a02023\u00a0", ams(2023, 12, 20, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in, now, amsterdam)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("Parse(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "no date in empty text"},
		{"Lees meer", "no date in"},
		{"05:25", "no date beside the time"},
		{"31 februari 2023", "no day 31 in month 2 of 2023"},
		{"30-13-2023", "no day 30 in month 13 of 2023"},
		{"0000-01-01", "year 0 in"},
		{"1 januari 2999", "year 2999 in"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in, now, amsterdam)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := Parse("Lees meer", now, amsterdam); !errors.Is(err, ErrNoDate) {
		t.Errorf("error %v is not ErrNoDate", err)
	}
}

// FuzzParse: any text either has no date or yields a plausible one, and
// that date written back in the site's forms reads the same again.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"20 dec. 2023", "11 jul 2023", "24 juli 2021", "maandag 26 augustus", "05:25 24 juli 2021",
		"2023-12-12T10:00:00+01:00", "Tue, 11 Jul 2023 00:00:00 +0200", "12-12-2023", "December 5, 2023",
		"31 februari 2023", "vandaag 08:05", "99:99 1 jan", "zo 1 jan", "Ma. 1 jan. 2024 om 23.59 uur",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, now, amsterdam)
		if err != nil {
			return
		}
		if y := got.Year(); y < 1900 || y > now.Year()+1 {
			t.Fatalf("Parse(%q) = %v: implausible year", s, got)
		}
		local := got.In(amsterdam)
		for _, layout := range []string{time.RFC3339, "2 January 2006 15:04:05", "02-01-2006 15:04:05"} {
			text := local.Format(layout)
			again, err := Parse(text, now, amsterdam)
			if err != nil || !again.Equal(got) {
				t.Fatalf("Parse(%q) = %v; written as %q it reads %v, %v", s, got, text, again, err)
			}
		}
	})
}
