package oscal

import "testing"

// The RFC 9562 (appendix A.4) example: the version 5 UUID of
// "www.example.com" in the DNS namespace.
func TestUUIDv5(t *testing.T) {
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got, want := format(uuidV5(dns, "www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestToken(t *testing.T) {
	for in, want := range map[string]string{"6.1.2": "6.1.2", "6.1.3 d)": "6.1.3-d", "A.5.1": "A.5.1", " 9.2 (b) ": "9.2-b"} {
		if got := token(in); got != want {
			t.Errorf("token(%q) = %q, want %q", in, got, want)
		}
	}
}
