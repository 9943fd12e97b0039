package wechat

import (
	"context"
	"errors"
	"slices"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// Pushes: the adapter sends what the push workers hand it, as a
// customer-service text message (Send) or a template message
// (SendTemplate). It neither waits nor retries beyond callAPI's own
// (an invalid or expired access token is fetched again once; "system
// busy" and network failures are tried up to 3 times): pacing and
// retries are the push workers'. Its refusals are *APIError, which
// errors.Is maps onto what the caller acts on:
//
//   - ErrUserGone: the user no longer follows the account, blocked it or
//     refuses its messages (43004, 43019, 43101, 40003): the subscription
//     has ended; retrying cannot help.
//   - ErrOutsideWindow: customer-service messages are closed for this user
//     (45015: more than 48 hours since the user's last message; 45047:
//     too many messages without a reply): a template message can still
//     reach them, or the next message they send reopens the window.
//   - ErrQuota: the account's daily quota of this API is used up (45009):
//     nothing goes out until it resets (at midnight, or when staff clear
//     it in the admin).
//   - ErrBusy: WeChat is busy or calls come too fast (-1, 45011): try
//     again shortly.
//   - ErrBadTemplate: the template id or its fields are wrong (40037,
//     47003): the configuration, not the user.

// Errors an *APIError matches with errors.Is.
var (
	ErrUserGone      = errors.New("wechat: the user does not follow the account or refuses its messages")
	ErrOutsideWindow = errors.New("wechat: customer-service messages are closed for this user (48-hour window or reply limit)")
	ErrQuota         = errors.New("wechat: the account's daily API quota is used up")
	ErrBusy          = errors.New("wechat: WeChat is busy or the calls come too fast")
	ErrBadTemplate   = errors.New("wechat: the template id or its fields are wrong")
)

// apiErrorCodes are the errcodes behind each error of Is.
var apiErrorCodes = map[error][]int64{
	ErrUserGone:      {43004, 43019, 43101, 40003},
	ErrOutsideWindow: {45015, 45047},
	ErrQuota:         {45009},
	ErrBusy:          {codeBusy, 45011},
	ErrBadTemplate:   {40037, 47003},
}

// Is maps WeChat's errcodes onto ErrUserGone, ErrOutsideWindow, ErrQuota,
// ErrBusy and ErrBadTemplate.
func (e *APIError) Is(target error) bool {
	return slices.Contains(apiErrorCodes[target], e.Code)
}

// TemplateMessage is a template message (模板消息): the template's id (from
// the account's 模板消息 list) and the values of its fields, named as the
// template names them ({{enterprise.DATA}} → "enterprise").
type TemplateMessage struct {
	TemplateID string
	Fields     map[string]string
	// ClientMsgID makes WeChat drop a second message with the same id (a
	// push sent again after a crash); "" for none.
	ClientMsgID string
}

// SendTemplate sends a template message to a follower. Unlike Send it
// needs no recent message from the user (no 48-hour window), only that the
// user follows the account. WeChat's refusals are *APIError.
func (a *client) SendTemplate(ctx context.Context, openID string, m TemplateMessage) error {
	data := make(map[string]*message.TemplateDataItem, len(m.Fields))
	for k, v := range m.Fields {
		data[k] = &message.TemplateDataItem{Value: v}
	}
	tm := &message.TemplateMessage{ToUser: openID, TemplateID: m.TemplateID, Data: data, ClientMsgID: m.ClientMsgID}
	return a.callAPI(ctx, "template send", func() error {
		_, err := a.oa.GetTemplate().Send(tm)
		return err
	})
}

// PlainText is text as Send would put it in a message, before splitting:
// angle brackets full-width, line ends and blank lines tidied, control
// characters dropped.
func PlainText(text string) string { return plainText(text) }
