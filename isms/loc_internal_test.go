package isms

import "testing"

func TestLoc(t *testing.T) {
	for _, tc := range []struct {
		got  loc
		want string
	}{
		{field("people").idx(3).at(".roles").idx(0), "people[3].roles[0]"},
		{field("scope").at(".approval").at(".by"), "scope.approval.by"},
		{field("a").idx(1).idx(2), "a[1][2]"},
		// Deeper than maxSegs: the segments fold into one, the path stays right.
		{field("a").at(".b").at(".c").at(".d").at(".e").at(".f").at(".g").idx(7).at(".h"), "a.b.c.d.e.f.g[7].h"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("loc = %q, want %q", s, tc.want)
		}
	}
}

func TestKindNames(t *testing.T) {
	for i, n := range kindNames {
		if n == "" {
			t.Errorf("kind %d has no name", i)
		}
	}
	if got := (kPerson | kRole).String(); got != "person or role" {
		t.Errorf("kOwner = %q", got)
	}
}
