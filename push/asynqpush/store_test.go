package asynqpush

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cdsme/policybot/push"
)

func ids(ps []push.Profile) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestStoreRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		p := designProfile(t)
		if err := s.Save(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(p, got); d != "" {
			t.Errorf("Get (-want +got):\n%s", d)
		}
		bad := p
		bad.ID = ""
		if err := s.Save(ctx, bad); !errors.Is(err, push.ErrInvalidProfile) {
			t.Errorf("Save(no id) = %v, want ErrInvalidProfile", err)
		}

		// A roster: 5 enterprises, odd ones subscribed; chat 7 has two.
		var roster []push.Profile
		for i := range 5 {
			q := push.Profile{ID: fmt.Sprintf("E%d", i)}
			if i%2 == 1 {
				q.ChatID = 7
			}
			roster = append(roster, q)
		}
		roster[4].ChatID = 9
		added, err := s.Import(ctx, roster)
		if err != nil {
			t.Fatal(err)
		}
		if added != 5 {
			t.Errorf("Import added %d, want 5", added)
		}
		if added, _ := s.Import(ctx, roster); added != 0 {
			t.Errorf("second Import added %d, want 0", added)
		}
		var all []string
		for after := ""; ; {
			ps, next, err := s.List(ctx, after, 2)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ids(ps)...)
			if next == "" {
				break
			}
			after = next
		}
		if d := cmp.Diff([]string{p.ID, "E0", "E1", "E2", "E3", "E4"}, all); d != "" {
			t.Errorf("List (-want +got):\n%s", d)
		}
		sub, _, _ := s.Subscribed(ctx, "", 100)
		if d := cmp.Diff([]string{p.ID, "E1", "E3", "E4"}, ids(sub)); d != "" {
			t.Errorf("Subscribed (-want +got):\n%s", d)
		}
		chat7, _ := s.ByChat(ctx, 7)
		if d := cmp.Diff([]string{"E1", "E3"}, ids(chat7)); d != "" {
			t.Errorf("ByChat(7) (-want +got):\n%s", d)
		}

		// Moving E3 to chat 9 leaves chat 7 with E1.
		if err := s.Save(ctx, push.Profile{ID: "E3", ChatID: 9}); err != nil {
			t.Fatal(err)
		}
		chat7, _ = s.ByChat(ctx, 7)
		if d := cmp.Diff([]string{"E1"}, ids(chat7)); d != "" {
			t.Errorf("ByChat(7) after move (-want +got):\n%s", d)
		}

		n, err := s.Unsubscribe(ctx, 9)
		if err != nil || n != 2 {
			t.Errorf("Unsubscribe(9) = %d, %v; want 2", n, err)
		}
		e4, _ := s.Get(ctx, "E4")
		if e4.ChatID != 0 {
			t.Errorf("E4 chat after unsubscribe = %d", e4.ChatID)
		}
		sub, _, _ = s.Subscribed(ctx, "", 100)
		if d := cmp.Diff([]string{p.ID, "E1"}, ids(sub)); d != "" {
			t.Errorf("Subscribed after unsubscribe (-want +got):\n%s", d)
		}

		ok, err := s.Delete(ctx, "E1")
		if err != nil || !ok {
			t.Errorf("Delete(E1) = %v, %v", ok, err)
		}
		if ok, _ := s.Delete(ctx, "E1"); ok {
			t.Error("second Delete(E1) reported a deletion")
		}
		if _, err := s.Get(ctx, "E1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
		}
		if chat7, _ := s.ByChat(ctx, 7); len(chat7) != 0 {
			t.Errorf("ByChat(7) after delete = %v", ids(chat7))
		}
	})
}

func TestStoreVersions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		named := func(id, name string, chat int64) push.Profile {
			return push.Profile{ID: id, Name: name, ChatID: chat}
		}
		type step struct {
			name    string
			do      func() (int64, error)
			version int64  // returned (0: not checked)
			stale   int64  // the StaleError's Have, -1: no error
			wantID  string // then the record of wantID is
			want    Record
		}
		for _, st := range []step{
			{name: "new", do: func() (int64, error) { return s.SaveIf(ctx, named("V", "一", 5), 0) },
				version: 1, stale: -1, wantID: "V", want: Record{Profile: named("V", "一", 5), Version: 1, Owner: 5}},
			{name: "new again is stale", do: func() (int64, error) { return s.SaveIf(ctx, named("V", "二", 5), 0) },
				stale: 1, wantID: "V", want: Record{Profile: named("V", "一", 5), Version: 1, Owner: 5}},
			{name: "at version", do: func() (int64, error) { return s.SaveIf(ctx, named("V", "二", 0), 1) },
				version: 2, stale: -1, wantID: "V", want: Record{Profile: named("V", "二", 5), Version: 2, Owner: 5}},
			{name: "stale version", do: func() (int64, error) { return s.SaveIf(ctx, named("V", "三", 5), 1) },
				stale: 2, wantID: "V", want: Record{Profile: named("V", "二", 5), Version: 2, Owner: 5}},
			{name: "unknown at a version", do: func() (int64, error) { return s.SaveIf(ctx, named("W", "一", 0), 3) },
				stale: 0},
			{name: "unconditional save counts", do: func() (int64, error) { return 0, s.Save(ctx, named("V", "四", 6)) },
				stale: -1, wantID: "V", want: Record{Profile: named("V", "四", 6), Version: 3, Owner: 6}},
			{name: "unsubscribe keeps the owner", do: func() (int64, error) { n, err := s.Unsubscribe(ctx, 6); return int64(n), err },
				version: 1, stale: -1, wantID: "V", want: Record{Profile: named("V", "四", 0), Version: 3, Owner: 6}},
		} {
			v, err := st.do()
			var se *StaleError
			switch {
			case st.stale >= 0:
				if !errors.As(err, &se) || !errors.Is(err, ErrStale) || se.Have != st.stale {
					t.Errorf("%s: err %v, want stale at %d", st.name, err, st.stale)
				}
			case err != nil:
				t.Errorf("%s: %v", st.name, err)
			case st.version != 0 && v != st.version:
				t.Errorf("%s: version %d, want %d", st.name, v, st.version)
			}
			if st.wantID == "" {
				continue
			}
			r, err := s.Record(ctx, st.wantID)
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if d := cmp.Diff(st.want, r); d != "" {
				t.Errorf("%s: record (-want +got):\n%s", st.name, d)
			}
		}

		// A profile stored before versions and owners: version 1, owned by
		// its chat, which an unsubscribe keeps.
		b.RDB.HSet(ctx, profileKey("L"), fieldJSON, `{"id":"L"}`, fieldChat, "8")
		b.RDB.SAdd(ctx, chatKey(8), "L")
		if r, err := s.Record(ctx, "L"); err != nil || r.Version != 1 || r.Owner != 8 {
			t.Errorf("legacy record %+v, %v", r, err)
		}
		s.Unsubscribe(ctx, 8)
		if r, _ := s.Record(ctx, "L"); r.Owner != 8 || r.Profile.ChatID != 0 {
			t.Errorf("legacy record after unsubscribe %+v", r)
		}
	})
}

// TestImportIfRace: an import and a /subscribe of the same enterprise
// interleave; whichever writes second with a version read before the other
// write is refused, and the first write is kept.
func TestImportIfRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		s := NewStore(b.RDB)
		if err := s.Save(ctx, push.Profile{ID: "A", Name: "旧", ChatID: 5}); err != nil {
			t.Fatal(err)
		}
		// The import reads its versions.
		read, err := s.Records(ctx, []string{"A", "B", "C"})
		if err != nil {
			t.Fatal(err)
		}
		versions := map[string]int64{}
		for id, r := range read {
			versions[id] = r.Version
		}
		// Meanwhile the chat re-sends its profile (at the version it read).
		if _, err := s.SaveIf(ctx, push.Profile{ID: "A", Name: "会话", ChatID: 5}, read["A"].Version); err != nil {
			t.Fatal(err)
		}
		// And another import creates C.
		if err := s.Save(ctx, push.Profile{ID: "C", Name: "另一次导入"}); err != nil {
			t.Fatal(err)
		}
		res, err := s.ImportIf(ctx, []push.Profile{{ID: "A", Name: "名册"}, {ID: "B", Name: "名册"}, {ID: "C", Name: "名册"}}, versions)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 1 || len(res.Stale) != 2 || res.Stale[0] == nil || res.Stale[2] == nil {
			t.Fatalf("result %+v", res)
		}
		for id, want := range map[string]string{"A": "会话", "B": "名册", "C": "另一次导入"} {
			r, err := s.Record(ctx, id)
			if err != nil || r.Profile.Name != want {
				t.Errorf("%s: %+v %v, want name %s", id, r, err, want)
			}
		}
		// The roster never unsubscribes: A, read again, keeps chat 5.
		r, _ := s.Record(ctx, "A")
		if _, err := s.ImportIf(ctx, []push.Profile{{ID: "A", Name: "名册"}}, map[string]int64{"A": r.Version}); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Record(ctx, "A"); r.Profile.Name != "名册" || r.Profile.ChatID != 5 || r.Owner != 5 {
			t.Errorf("after import: %+v", r)
		}
	})
}
