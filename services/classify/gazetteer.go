package classify

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// Municipality is one gemeente with the areas it belongs to.
type Municipality struct {
	Name         string // as CBS writes it: "Laren (NH.)", "'s-Gravenhage"
	Code         string
	Province     string
	SafetyRegion string
	Unit         string // police unit (eenheid)
	District     string // police district, empty where no source gives one
}

// Gazetteer finds municipalities, districts and regions in text.
type Gazetteer struct {
	munis     map[string]*Municipality // by Name
	index     map[string][]*placeName  // by first folded word
	overrides map[string]string        // municipality -> district id
	regions   map[string]string        // district and unit ids -> names
}

type placeKind int

const (
	kindMunicipality placeKind = iota
	kindDistrict
	kindUnit
)

// placeName is one way a place is written.
type placeName struct {
	words  []string // folded
	kind   placeKind
	munis  []*Municipality // kindMunicipality: the candidates ("Bergen": two)
	region string          // kindDistrict, kindUnit: the id
	// word is set for names that are also ordinary words ("Huizen",
	// "Best"): they count only with evidence.
	word bool
}

// cbsSuffix strips CBS's disambiguation: "Laren (NH.)" -> "Laren".
var cbsSuffix = regexp.MustCompile(`\s*\([^)]*\)$`)

// LoadGazetteer reads the municipalities CSV and the regions CSV (see
// data/*.csv for their columns). overrides maps municipality names to the
// police district a bureau assigns them.
func LoadGazetteer(gemeenten, regions io.Reader, overrides map[string]string) (*Gazetteer, error) {
	g := &Gazetteer{munis: map[string]*Municipality{}, index: map[string][]*placeName{}, overrides: map[string]string{}, regions: map[string]string{}}
	rows, err := readCSV(gemeenten, "gemeente,cbs_code,provincie,veiligheidsregio,politie_eenheid,politie_district")
	if err != nil {
		return nil, fmt.Errorf("gazetteer gemeenten: %w", err)
	}
	byBase := map[string][]*Municipality{}
	for _, r := range rows {
		m := &Municipality{Name: r[0], Code: r[1], Province: r[2], SafetyRegion: r[3], Unit: r[4], District: r[5]}
		g.munis[m.Name] = m
		g.addRegion(m.Unit)
		g.addRegion(m.District)
		base := cbsSuffix.ReplaceAllString(m.Name, "")
		byBase[base] = append(byBase[base], m)
	}
	for base, ms := range byBase {
		g.add(&placeName{words: textnorm.Words(textnorm.Fold(base)), kind: kindMunicipality, munis: ms})
	}
	rows, err = readCSV(regions, "name,kind,target")
	if err != nil {
		return nil, fmt.Errorf("gazetteer regions: %w", err)
	}
	for i, r := range rows {
		name, kind, target := r[0], r[1], r[2]
		words := textnorm.Words(textnorm.Fold(name))
		if target == "" {
			target = name
		}
		switch kind {
		case "district", "unit":
			k := kindDistrict
			if kind == "unit" {
				k = kindUnit
			}
			g.add(&placeName{words: words, kind: k, region: textnorm.Slug(target)})
			g.addRegion(target)
		case "alias":
			m, ok := g.munis[target]
			if !ok {
				return nil, fmt.Errorf("gazetteer regions row %d: alias %q: unknown gemeente %q", i+2, name, target)
			}
			g.add(&placeName{words: words, kind: kindMunicipality, munis: []*Municipality{m}})
		case "word":
			pn := g.lookup(words)
			if pn == nil {
				return nil, fmt.Errorf("gazetteer regions row %d: word %q: no such place", i+2, name)
			}
			pn.word = true
		default:
			return nil, fmt.Errorf("gazetteer regions row %d: kind %q: want district, unit, alias or word", i+2, kind)
		}
	}
	for name, district := range overrides {
		if _, ok := g.munis[name]; !ok {
			return nil, fmt.Errorf("gazetteer: district override for unknown gemeente %q", name)
		}
		g.overrides[name] = textnorm.Slug(district)
		g.addRegion(district)
	}
	return g, nil
}

func (g *Gazetteer) addRegion(name string) {
	if id := textnorm.Slug(name); id != "" {
		if _, ok := g.regions[id]; !ok {
			g.regions[id] = name
		}
	}
}

// Region is a police district or unit that items can be placed in.
type Region struct {
	ID   string // "gooi-en-vechtstreek"
	Name string // "Gooi en Vechtstreek"
}

// Regions lists every district and unit id, sorted by id.
func (g *Gazetteer) Regions() []Region {
	rs := make([]Region, 0, len(g.regions))
	for id, name := range g.regions {
		rs = append(rs, Region{ID: id, Name: name})
	}
	slices.SortFunc(rs, func(a, b Region) int { return strings.Compare(a.ID, b.ID) })
	return rs
}

func (g *Gazetteer) add(pn *placeName) {
	if len(pn.words) == 0 {
		return
	}
	g.index[pn.words[0]] = append(g.index[pn.words[0]], pn)
	// Longest names first, so "Bergen op Zoom" wins over "Bergen".
	slices.SortStableFunc(g.index[pn.words[0]], func(a, b *placeName) int { return len(b.words) - len(a.words) })
}

func (g *Gazetteer) lookup(words []string) *placeName {
	for _, pn := range g.index[words[0]] {
		if slices.Equal(pn.words, words) {
			return pn
		}
	}
	return nil
}

// Municipality returns the gemeente with the given CBS name.
func (g *Gazetteer) Municipality(name string) (*Municipality, bool) {
	m, ok := g.munis[name]
	return m, ok
}

// Len is the number of municipalities.
func (g *Gazetteer) Len() int { return len(g.munis) }

// DistrictOf is the district id of m: a configured override, its sourced
// police district, else its police unit.
func (g *Gazetteer) DistrictOf(m *Municipality) string {
	if d, ok := g.overrides[m.Name]; ok {
		return d
	}
	if m.District != "" {
		return textnorm.Slug(m.District)
	}
	return textnorm.Slug(m.Unit)
}

func readCSV(r io.Reader, header string) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = strings.Count(header, ",") + 1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != header {
		return nil, fmt.Errorf("want header %q", header)
	}
	return rows[1:], nil
}
