package bus

import (
	"slices"
	"testing"
)

func TestOutSubjects(t *testing.T) {
	tests := []struct {
		themes, districts, want []string
	}{
		{[]string{"ondermijning"}, []string{"oost-utrecht"}, []string{"baken.out.ondermijning.oost-utrecht"}},
		{[]string{"ondermijning", "jonge-aanwas"}, []string{"oost-utrecht", "utrecht-stad"}, []string{
			"baken.out.ondermijning.oost-utrecht", "baken.out.ondermijning.utrecht-stad",
			"baken.out.jonge-aanwas.oost-utrecht", "baken.out.jonge-aanwas.utrecht-stad"}},
		{nil, []string{"rotterdam"}, []string{"baken.out._.rotterdam"}},
		{[]string{"terrorisme"}, nil, []string{"baken.out.terrorisme._"}},
		{nil, nil, []string{"baken.out._._"}},
		{[]string{"a.b*c>d e"}, []string{""}, []string{"baken.out.a-b-c-d-e._"}},
	}
	for _, tt := range tests {
		if got := OutSubjects(tt.themes, tt.districts); !slices.Equal(got, tt.want) {
			t.Errorf("OutSubjects(%v, %v) = %v, want %v", tt.themes, tt.districts, got, tt.want)
		}
	}
}
