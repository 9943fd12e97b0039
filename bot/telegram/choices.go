package telegram

import (
	"container/list"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
)

// Choice buttons. When the engine asks which reading is meant it offers
// bot.Reply.Choices ("今年500万", "今年930万"); the adapter shows them as a
// row of inline buttons above the feedback buttons, and a tap is answered
// exactly as if the user had sent the choice's text as a message.
//
// The callback data carries no text, only "ch:<offer>:<index>": offer is a
// random id naming one reply's choices, which the adapter keeps in a
// bounded memory per chat (choiceOffersPerChat replies in each of at most
// DefaultChoiceChats chats, the chats offered to least recently forgotten
// first), and index picks one of them. So forged or tampered data can only
// ever send a text the adapter itself offered in that chat; anything else
// is refused with choiceExpiredText. The engine's signing key is not
// needed (bot exports no signing helper for it), at a price: the memory is
// per process, so after a restart — or, in webhook mode with several
// replicas, on another replica — an old tap finds nothing and the user is
// asked to type the choice instead. /forget drops the chat's choices.
const (
	choicePrefix = "ch:"
	// DefaultChoiceChats bounds how many chats' choice buttons are
	// remembered.
	DefaultChoiceChats = 4096
	// choiceOffersPerChat is how many replies' choices one chat keeps: the
	// buttons of older replies in the chat stop working.
	choiceOffersPerChat = 4
	// MaxChoices is how many of a reply's choices become buttons.
	MaxChoices = 8
	// choicesPerRow lays choice buttons out, at most this many to a row.
	choicesPerRow = 3
	// choiceIDBytes is the random bytes of an offer id (8 base64url
	// characters), so data is "ch:" + 8 + ":" + 1 = 13 bytes.
	choiceIDBytes = 6
)

// choiceMemory remembers the choices offered per chat. Safe for concurrent
// use.
type choiceMemory struct {
	mu    sync.Mutex
	max   int                     // chats kept
	chats map[int64]*list.Element // value *chatChoices
	lru   *list.List              // front: offered to most recently
}

type chatChoices struct {
	chat   int64
	offers []choiceOffer // oldest first
}

type choiceOffer struct {
	id      string
	choices []string
}

func newChoiceMemory(maxChats int) *choiceMemory {
	return &choiceMemory{max: max(maxChats, 1), chats: map[int64]*list.Element{}, lru: list.New()}
}

// offer remembers choices for chat and returns their offer id.
func (m *choiceMemory) offer(chat int64, choices []string) string {
	var b [choiceIDBytes]byte
	_, _ = rand.Read(b[:])
	id := base64.RawURLEncoding.EncodeToString(b[:])
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.chats[chat]
	if ok {
		m.lru.MoveToFront(el)
	} else {
		el = m.lru.PushFront(&chatChoices{chat: chat})
		m.chats[chat] = el
		for m.lru.Len() > m.max {
			old := m.lru.Back()
			m.lru.Remove(old)
			delete(m.chats, old.Value.(*chatChoices).chat)
		}
	}
	cc := el.Value.(*chatChoices)
	if len(cc.offers) >= choiceOffersPerChat {
		cc.offers = append(cc.offers[:0:0], cc.offers[len(cc.offers)-choiceOffersPerChat+1:]...)
	}
	cc.offers = append(cc.offers, choiceOffer{id: id, choices: choices})
	return id
}

// lookup returns the text of choice i of offer id in chat.
func (m *choiceMemory) lookup(chat int64, id string, i int) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.chats[chat]
	if !ok {
		return "", false
	}
	for _, o := range el.Value.(*chatChoices).offers {
		if o.id == id && i >= 0 && i < len(o.choices) {
			return o.choices[i], true
		}
	}
	return "", false
}

// forget drops the chat's choices.
func (m *choiceMemory) forget(chat int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.chats[chat]; ok {
		m.lru.Remove(el)
		delete(m.chats, chat)
	}
}

func choiceData(id string, i int) string {
	return choicePrefix + id + ":" + strconv.Itoa(i)
}

// parseChoiceData reads "ch:<offer>:<index>"; ok is false for anything
// else, including data that only starts with "ch:".
func parseChoiceData(data string) (id string, i int, ok bool) {
	rest, found := strings.CutPrefix(data, choicePrefix)
	if !found {
		return "", 0, false
	}
	id, idx, found := strings.Cut(rest, ":")
	if !found || len(id) != base64.RawURLEncoding.EncodedLen(choiceIDBytes) || len(idx) != 1 || idx[0] < '0' || idx[0] > '9' {
		return "", 0, false
	}
	if _, err := base64.RawURLEncoding.DecodeString(id); err != nil {
		return "", 0, false
	}
	return id, int(idx[0] - '0'), true
}

// choiceRows turns a reply's choices into button rows and remembers them
// for chat; nil when there are none.
func (a *Adapter) choiceRows(chat int64, choices []string) [][]inlineButton {
	var keep []string
	for _, c := range choices {
		if c = strings.TrimSpace(c); c != "" && len(keep) < MaxChoices {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return nil
	}
	id := a.choices.offer(chat, keep)
	var rows [][]inlineButton
	var row []inlineButton
	for i, c := range keep {
		row = append(row, inlineButton{Text: c, CallbackData: choiceData(id, i)})
		if len(row) == choicesPerRow {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}
