package main

import (
	"slices"
	"testing"
)

func TestIdleRelease(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name  string
		ticks []uint64 // bytes allocated per tick
		want  []bool
	}{
		{"always quiet: nothing to hand back", []uint64{mib, 2 * mib, mib}, []bool{false, false, false}},
		{"an import, then quiet: two releases", []uint64{900 * mib, 700 * mib, mib, mib, mib}, []bool{false, false, true, true, false}},
		{"steady work: none", []uint64{300 * mib, 400 * mib, 300 * mib}, []bool{false, false, false}},
		{"between busy and quiet: waits", []uint64{500 * mib, 100 * mib, 10 * mib, 10 * mib}, []bool{false, false, true, true}},
		{"work again resets", []uint64{500 * mib, mib, 500 * mib, mib, mib, mib}, []bool{false, true, false, true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r idleRelease
			var got []bool
			for _, a := range tt.ticks {
				got = append(got, r.tick(a))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("releases %v, want %v", got, tt.want)
			}
		})
	}
}
