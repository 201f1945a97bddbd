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
	ignore    map[string]bool          // folded woonplaats names never placed
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
	// village is set for a woonplaats that is no municipality's name: it
	// counts only written with a capital, not at the start of a sentence
	// unless a word before it says it is a place ("in Vinkeveen").
	village bool
	// gemeente lists the candidates that are municipalities of this name
	// (not villages): "gemeente Laren" is never the village in Lochem.
	gemeente []*Municipality
	// adjective is set for "Rotterdamse", "Zoetermeerse".
	adjective bool
}

// cbsSuffix strips CBS's disambiguation: "Laren (NH.)" -> "Laren".
var cbsSuffix = regexp.MustCompile(`\s*\([^)]*\)$`)

// LoadGazetteer reads the municipalities CSV and the regions CSV (see
// data/*.csv for their columns). overrides maps municipality names to the
// police district a bureau assigns them.
func LoadGazetteer(gemeenten, regions io.Reader, overrides map[string]string) (*Gazetteer, error) {
	g := &Gazetteer{munis: map[string]*Municipality{}, index: map[string][]*placeName{}, overrides: map[string]string{}, regions: map[string]string{}, ignore: map[string]bool{}}
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
		g.add(&placeName{words: textnorm.Words(textnorm.Fold(base)), kind: kindMunicipality, munis: ms, gemeente: ms})
		g.addAdjective(base, ms)
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
			if pn := g.lookup(words); pn != nil && pn.kind == kindMunicipality {
				pn.munis = appendMuni(pn.munis, m) // "Haren" in Groningen, and in Oss
				continue
			}
			// A former municipality or part of one reads as its municipality
			// over villages of others.
			g.add(&placeName{words: words, kind: kindMunicipality, munis: []*Municipality{m}, gemeente: []*Municipality{m}})
		case "word":
			pn := g.lookup(words)
			if pn == nil {
				return nil, fmt.Errorf("gazetteer regions row %d: word %q: no such place", i+2, name)
			}
			pn.word = true
		case "ignore":
			g.ignore[strings.Join(words, " ")] = true
		default:
			return nil, fmt.Errorf("gazetteer regions row %d: kind %q: want district, unit, alias, word or ignore", i+2, kind)
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

// bagSuffix strips the BAG's disambiguation of a woonplaats: "Bergen L",
// "Haren Gn", "Hengelo (Gld)", "Rijswijk (NB)".
var bagSuffix = regexp.MustCompile(`\s*\([^)]*\)$|\s+(L|NB|NH|Gn|Gld|ZH|Fr|Dr|Ov|O|U|Z)$`)

// AddWoonplaatsen reads the woonplaatsen CSV (woonplaats,gemeente,...; see
// data/woonplaatsen.csv): each village places its municipality. A name in
// several municipalities, or a village named like another municipality,
// becomes one name with several candidates, told apart by evidence
// (places.go). Rows of a gemeente the gazetteer does not know are skipped,
// so a configured gazetteer may cover part of the country.
func (g *Gazetteer) AddWoonplaatsen(r io.Reader) error {
	rows, err := readCSV(r, "woonplaats,gemeente,provincie,source_gemeente")
	if err != nil {
		return fmt.Errorf("gazetteer woonplaatsen: %w", err)
	}
	for _, row := range rows {
		m, ok := g.munis[row[1]]
		if !ok {
			continue
		}
		words := textnorm.Words(textnorm.Fold(bagSuffix.ReplaceAllString(row[0], "")))
		if len(words) == 0 || g.ignore[strings.Join(words, " ")] {
			continue
		}
		pn := g.lookup(words)
		switch {
		case pn == nil:
			g.add(&placeName{words: words, kind: kindMunicipality, munis: []*Municipality{m}, village: true})
		case pn.kind == kindMunicipality:
			pn.munis = appendMuni(pn.munis, m)
		}
	}
	return nil
}

func appendMuni(ms []*Municipality, m *Municipality) []*Municipality {
	if slices.Contains(ms, m) {
		return ms
	}
	return append(ms, m)
}

// provinceNames are the provinces' names: an adjective of one of them is no
// city's ("Groningse", "Utrechtse").
var provinceNames = map[string]bool{"groningen": true, "utrecht": true}

// addAdjective files the adjective of a one-word municipality name:
// Rotterdam -> Rotterdamse, Leiden -> Leidse, Gouda -> Goudse, Ede -> Edese.
func (g *Gazetteer) addAdjective(base string, ms []*Municipality) {
	f := textnorm.Fold(base)
	if len(textnorm.Words(f)) != 1 || len(f) < 4 || provinceNames[f] {
		return
	}
	forms := []string{f + "se"}
	switch {
	case strings.HasSuffix(f, "en"):
		forms = append(forms, f[:len(f)-2]+"se")
	case strings.HasSuffix(f, "a"):
		forms = []string{f[:len(f)-1] + "se"}
	}
	for _, a := range forms {
		if g.lookup([]string{a}) == nil {
			g.add(&placeName{words: []string{a}, kind: kindMunicipality, munis: ms, gemeente: ms, adjective: true})
		}
	}
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
