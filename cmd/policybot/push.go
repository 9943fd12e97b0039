package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/cdsme/policybot/bot"
	"github.com/cdsme/policybot/bot/redisstore"
	"github.com/cdsme/policybot/bot/telegram"
	"github.com/cdsme/policybot/push"
	"github.com/cdsme/policybot/push/asynqpush"
)

// billDay is the day of the month (Beijing time) bills are scheduled for:
// a monthly 红利账单, sent at 09:00. The scheduler tick runs daily; dedup by
// task id makes a restart or a second replica harmless.
const billDay = 1

// runPush is `policybot push import FILE.csv|FILE.json` (push_import.go),
// `policybot push schedule [--date YYYY-MM-DD]` against REDIS_URL, and
// `policybot push reminders` (reminders.go) and `policybot push codes`
// (codes.go).
func runPush(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: policybot push import FILE.csv|FILE.json | policybot push codes [--ids F] [--days N] | policybot push schedule [--date YYYY-MM-DD]"
	if len(args) == 0 {
		return usagef("push: %s", usage)
	}
	switch args[0] {
	case "reminders": // files only, no Redis: reminders.go
		return runPushReminders(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "import": // push_import.go
		return runPushImport(ctx, args[1:], getenv, stdin, stdout)
	case "codes": // codes.go
		return runPushCodes(ctx, args[1:], getenv, stdin, stdout, time.Now)
	}
	url := getenv("REDIS_URL")
	if url == "" {
		return usagef("push %s: REDIS_URL is not set (the embedded Redis would forget everything on exit)", args[0])
	}
	opts, err := pushBillOptions(getenv)
	if err != nil {
		return err
	}
	quiet, err := pushQuietHours(getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "schedule":
		fs := flag.NewFlagSet("push schedule", flag.ContinueOnError)
		fs.SetOutput(stderr)
		date := fs.String("date", "", "bill date YYYY-MM-DD (default today, Beijing time)")
		if err := fs.Parse(args[1:]); err != nil {
			return usageError{fmt.Errorf("push schedule: %w", err)}
		}
		if fs.NArg() > 0 {
			return usagef("push schedule: unexpected argument %q (%s)", fs.Arg(0), usage)
		}
		day := beijingDay(time.Now())
		if *date != "" {
			t, err := time.Parse(time.DateOnly, *date)
			if err != nil {
				return usagef("push schedule: --date %q: want a date YYYY-MM-DD", *date)
			}
			day = t
		}
		rdb, err := openPushRedis(ctx, url)
		if err != nil {
			return err
		}
		defer rdb.Close()
		client := asynq.NewClientFromRedisClient(rdb)
		defer client.Close()
		r, err := asynqpush.NewScheduler(asynqpush.NewStore(rdb), client, asynqpush.ScheduleOptions{Bill: opts, Quiet: quiet}).ScheduleBills(ctx, day)
		if err != nil {
			return err
		}
		return writeJSON(stdout, r)
	default:
		return usagef("push: unknown subcommand %q (%s)", args[0], usage)
	}
}

func openPushRedis(ctx context.Context, url string) (redis.UniversalClient, error) {
	rdb, err := redisstore.Open(url)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	return rdb, nil
}

func pushBillOptions(getenv func(string) string) ([]push.BillOption, error) {
	s := getenv("POLICY_ISSUED")
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, usagef("POLICY_ISSUED=%q: want a date YYYY-MM-DD", s)
	}
	return []push.BillOption{push.WithIssued(t)}, nil
}

// beijingDay is t's calendar day in Beijing, as a UTC midnight.
func beijingDay(t time.Time) time.Time {
	t = t.In(chinaTime)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// pushRate reads PUSH_RATE: global messages per second, default 25.
func pushRate(getenv func(string) string) (int, error) {
	s := getenv("PUSH_RATE")
	if s == "" {
		return 25, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, usagef("PUSH_RATE=%q: want a whole number of messages per second > 0", s)
	}
	return n, nil
}

// pushQuietHours reads QUIET_HOURS: HH:MM-HH:MM, Asia/Shanghai, no pushes
// inside; default asynqpush.DefaultQuietHours (21:00-08:00).
func pushQuietHours(getenv func(string) string) (asynqpush.QuietHours, error) {
	s := getenv("QUIET_HOURS")
	if s == "" {
		s = asynqpush.DefaultQuietHours
	}
	q, err := asynqpush.ParseQuietHours(s)
	if err != nil {
		return q, usagef("QUIET_HOURS: %v", err)
	}
	return q, nil
}

// pushReminderOptions are the reminders' dates: 附件2's (POLICY_ISSUED)
// and the declaration windows of WINDOWS_FILE (a bad file exits 2).
func pushReminderOptions(getenv func(string) string) ([]push.ReminderOption, error) {
	var opts []push.ReminderOption
	if s := getenv("POLICY_ISSUED"); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, usagef("POLICY_ISSUED=%q: want a date YYYY-MM-DD", s)
		}
		opts = append(opts, push.RemindIssued(t))
	}
	if name := getenv("WINDOWS_FILE"); name != "" {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, usagef("WINDOWS_FILE: %v", err)
		}
		ws, err := push.LoadWindows(bytes.NewReader(data))
		if err != nil {
			return nil, usagef("WINDOWS_FILE=%s: %v", name, err)
		}
		opts = append(opts, push.RemindWindows(ws))
	}
	return opts, nil
}

// pushEnv is what the push scheduler and workers read from the
// environment: POLICY_ISSUED, QUIET_HOURS, WINDOWS_FILE.
type pushEnv struct {
	bill   []push.BillOption
	remind []push.ReminderOption
	quiet  asynqpush.QuietHours
	now    func() time.Time // the clock (nil: time.Now)
}

func readPushEnv(getenv func(string) string) (e pushEnv, err error) {
	if e.quiet, err = pushQuietHours(getenv); err != nil {
		return e, err
	}
	if e.bill, err = pushBillOptions(getenv); err != nil {
		return e, err
	}
	e.remind, err = pushReminderOptions(getenv)
	return e, err
}

// scheduler is the scheduler of bills, reminders and re-bills; a nil
// client is one on the store's Redis, a nil ledger the default one.
func (e pushEnv) scheduler(store *asynqpush.Store, client *asynq.Client, ledger *asynqpush.Ledger) *asynqpush.Scheduler {
	return asynqpush.NewScheduler(store, client, asynqpush.ScheduleOptions{Bill: e.bill, Remind: e.remind, Quiet: e.quiet, Ledger: ledger, Now: e.now})
}

// newPushScheduler is pushEnv.scheduler with the environment's options.
func newPushScheduler(store *asynqpush.Store, client *asynq.Client, getenv func(string) string, ledger *asynqpush.Ledger) (*asynqpush.Scheduler, error) {
	e, err := readPushEnv(getenv)
	if err != nil {
		return nil, err
	}
	return e.scheduler(store, client, ledger), nil
}

// startPush runs the push workers (an asynq server on rdb, delivering
// through sender at PUSH_RATE over all replicas, one message a second per
// chat, never inside QUIET_HOURS) and a daily scheduler tick (pushTick)
// that enqueues the bills of the billDay of each month, each day's
// reminders and the re-bills of a new parameter value; the push ledger's
// changes are counted in reg. With a nil sender (no channel) nothing runs: bills would
// wait in Redis for a replica that can send. stop shuts the server down,
// waiting for running sends.
func startPush(ctx context.Context, rdb redis.UniversalClient, sender asynqpush.Sender, log *slog.Logger, getenv func(string) string, reg prometheus.Registerer) (stop func(), err error) {
	return startPushAt(ctx, rdb, sender, log, getenv, reg, time.Now)
}

// startPushAt is startPush on the clock now (tests inject one).
func startPushAt(ctx context.Context, rdb redis.UniversalClient, sender asynqpush.Sender, log *slog.Logger, getenv func(string) string, reg prometheus.Registerer, now func() time.Time) (stop func(), err error) {
	env, err := readPushEnv(getenv)
	if err != nil {
		return nil, err
	}
	env.now = now
	quiet := env.quiet
	if sender == nil {
		log.Info("push: no sender (neither Telegram nor WeChat configured): bills are neither scheduled nor sent")
		return func() {}, nil
	}
	rate, err := pushRate(getenv)
	if err != nil {
		return nil, err
	}
	ledger := asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{OnRecord: pushLedgerMetrics(reg, rdb, log)})
	store := asynqpush.NewStore(rdb)
	w := asynqpush.NewWorker(store, rdb, sender, asynqpush.WorkerOptions{Rate: rate, Bill: env.bill, Remind: env.remind, Log: log, Quiet: quiet, Ledger: ledger, Now: now})
	srv := asynqpush.NewServer(rdb, asynqpush.ServerOptions{Log: log, Quiet: quiet, Now: now})
	if err := srv.Start(asynqpush.WithNotices(asynqpush.Mux(w), w)); err != nil {
		return nil, fmt.Errorf("push: starting workers: %w", err)
	}
	client := asynq.NewClientFromRedisClient(rdb)
	sch := env.scheduler(store, client, ledger)
	tctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pushTick(tctx, sch, log, now)
	}()
	log.Info("push: workers started", "rate_per_s", rate, "bill_day", billDay, "quiet_hours", quiet.String())
	return func() {
		cancel()
		<-done
		srv.Shutdown()
		_ = client.Close()
	}, nil
}

// pushLedgerMetrics registers in reg (if not nil)
// policybot_push_ledger_total{state}, the ledger changes this replica
// recorded by the state entered, and policybot_push_ledger_pushes{state},
// the pushes the shared ledger holds in each state (read from Redis at
// each scrape; left out when Redis does not answer). It returns the
// LedgerOptions.OnRecord that counts.
func pushLedgerMetrics(reg prometheus.Registerer, rdb redis.UniversalClient, log *slog.Logger) func(asynqpush.State) {
	total := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "policybot_push_ledger_total",
		Help: "Push ledger changes recorded by this replica, by the state entered (planned, sent, failed, blocked, skipped_quiet, cancelled).",
	}, []string{"state"})
	for _, s := range asynqpush.States {
		total.WithLabelValues(string(s)) // shown as 0 from the start
	}
	if reg != nil {
		if err := reg.Register(total); err != nil {
			log.Warn("push: ledger metrics not registered", "err", err)
		}
		if err := reg.Register(ledgerGauge{asynqpush.NewLedger(rdb, asynqpush.LedgerOptions{}), log}); err != nil {
			log.Warn("push: ledger metrics not registered", "err", err)
		}
	}
	return func(s asynqpush.State) { total.WithLabelValues(string(s)).Inc() }
}

var ledgerPushesDesc = prometheus.NewDesc("policybot_push_ledger_pushes",
	"Pushes in the push ledger (all replicas, retention 40 days) by state.", []string{"state"}, nil)

// ledgerGauge collects asynqpush.Ledger.Counts.
type ledgerGauge struct {
	l   *asynqpush.Ledger
	log *slog.Logger
}

func (g ledgerGauge) Describe(ch chan<- *prometheus.Desc) { ch <- ledgerPushesDesc }

func (g ledgerGauge) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := g.l.Counts(ctx)
	if err != nil {
		g.log.Warn("push: ledger counts not read for /metrics", "err", err)
		return
	}
	for _, s := range asynqpush.States {
		ch <- prometheus.MustNewConstMetric(ledgerPushesDesc, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
}

// newPushAdapter is the Telegram adapter bills go out through: the serving
// adapter's configuration, but no retries of its own (WithRetry(1, 0)). A
// 429 comes back to the worker at once, which pauses every worker of every
// replica for its retry_after; 5xx and network failures are retried by
// asynq. It only sends: it never polls or serves the webhook.
func newPushAdapter(cfg serveConfig, conv bot.Conversation, log *slog.Logger) (*telegram.Adapter, error) {
	opts := append(cfg.telegramOpts[:len(cfg.telegramOpts):len(cfg.telegramOpts)],
		telegram.WithLogger(log), telegram.WithUserHashSalt(cfg.secret), telegram.WithRetry(1, 0))
	a, err := telegram.New(cfg.telegramToken, conv, opts...)
	if err != nil {
		return nil, fmt.Errorf("telegram (push): %w", err)
	}
	return a, nil
}

// pushRun is one of the tick's scheduling runs.
type pushRun struct {
	what string
	run  func(context.Context, time.Time) (asynqpush.Report, error)
}

// pushTick schedules now and then every day at 08:00 Beijing time, an
// hour before they go out: the month's bills (if today is billDay), the
// day's reminders, and on the first day of a new dated parameter value the
// changes of the subscribed enterprises' bills. A day with no tick loses
// its reminders; a second tick (a restart, another replica) enqueues
// nothing twice.
func pushTick(ctx context.Context, sch *asynqpush.Scheduler, log *slog.Logger, now func() time.Time) {
	for {
		today := beijingDay(now())
		day := today.Format(time.DateOnly)
		runs := []pushRun{{"reminders", sch.ScheduleReminders}, {"re-bills for new parameter values", sch.RebillParams}}
		if today.Day() == billDay {
			runs = append([]pushRun{{"bills", sch.ScheduleBills}}, runs...)
		}
		for _, r := range runs {
			start := time.Now()
			rep, err := r.run(ctx, today)
			if err != nil {
				log.Error("push: scheduling "+r.what, "date", day, "err", err)
				continue
			}
			log.Info("push: "+r.what+" scheduled", "date", day, "subscribed", rep.Subscribed,
				"enqueued", rep.Enqueued, "duplicates", rep.Duplicates, "quiet", rep.Quiet, "took", time.Since(start))
		}
		t := now().In(chinaTime)
		next := time.Date(t.Year(), t.Month(), t.Day(), 8, 0, 0, 0, chinaTime)
		if !next.After(t) {
			next = next.AddDate(0, 0, 1)
		}
		timer := time.NewTimer(next.Sub(t))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// telegramSender delivers bills through the Telegram adapter, mapping its
// errors for the worker: 403 → asynqpush.ErrBlocked, a 429 the adapter gave
// up on → *asynqpush.RetryAfterError. A bill (push.ParseBillRef reads it)
// ends with the chat footer; with corr set it carries a 反馈有误 button, and
// the bill is recorded as the chat's last (what /correct refers to). Other
// texts go as they are.
type telegramSender struct {
	a    *telegram.Adapter
	corr *corrections
}

func (s telegramSender) Send(ctx context.Context, chatID int64, text string) error {
	r := bot.Reply{Text: text}
	enterprise, date, isBill := push.ParseBillRef(text)
	if isBill {
		r.Text = push.WithChatFooter(text)
	}
	if isBill && s.corr != nil {
		if b, ok := s.corr.button(enterprise, date); ok {
			r.Buttons = []bot.Button{b}
		}
	}
	if err := s.a.Send(ctx, chatID, r); err != nil {
		return mapSendError(err)
	}
	if isBill && s.corr != nil {
		// The bill went out: failing now would send it again.
		_ = s.corr.store.SeenBill(context.WithoutCancel(ctx), chatID, enterprise, date)
	}
	return nil
}

func mapSendError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, telegram.ErrBlocked) {
		return fmt.Errorf("%w: %w", asynqpush.ErrBlocked, err)
	}
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return &asynqpush.RetryAfterError{After: time.Duration(tooMany.RetryAfter) * time.Second, Err: err}
	}
	return err
}

// Chat commands. Replies are user-facing texts; errors are Redis failures.

// subscribeHelp explains /subscribe and the profile it takes: the keys are
// what the sender types, each with its meaning in Chinese.
const subscribeHelp = "用法：先发送 /subscribe 绑定码（工作人员发放的一次性绑定码，12位字母和数字）将企业绑定到本会话并订阅；" +
	"之后可发送 /subscribe 后接企业资料（JSON 格式）更新资料（首次也可写成 /subscribe 绑定码 企业资料），例如：\n" +
	`/subscribe {"id":"91510100MA6XXXXXXX","name":"成都示例科技有限公司","tiers":[{"tier":"little_giant","recognized":"2026-07-01","kind":"new"}],"rd_spend_yuan":{"2025":5000000,"2026":9300000}}` +
	"\n\n资料各项（只有 id 必填；金额以元为单位，写整数；日期写成 2026-07-01）：\n" +
	"· id 企业编号（统一社会信用代码），name 企业名称\n" +
	"· tiers 认定：tier 等级（innovative_sme 创新型中小企业、provincial_sme 省级专精特新中小企业、little_giant “小巨人”企业），recognized 认定日期，kind 新认定 new 或复核 review\n" +
	`· revenue_yuan 营业收入、rd_spend_yuan 研发投入：按年份填写，如 {"2025":5000000,"2026":9300000}` + "\n" +
	"· digital_investment_yuan 数字化智能化投资，commercialization_rd_yuan 研发成果产业化项目技术研发投入\n" +
	"· loans 贷款：product 为 zhuangda（壮大贷，填 interest_paid_yuan 实际支付利息、lpr_interest_yuan 按同期LPR计算的利息）或 xinyidai（新易贷，填 principal_yuan 贷款金额）\n" +
	"· standards 技术标准：level 级别（international 国际、national 国家、industry 行业），approved 批准日期\n" +
	"\n订阅后每月1日09:00推送红利账单；/bill 随时查看，/unsubscribe 退订，/deleteprofile 删除企业资料。"

func commandChat(c telegram.Command) (int64, error) {
	id, err := strconv.ParseInt(c.Message.ChatID, 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("push: chat id %q: %v", c.Message.ChatID, err)
	}
	return id, nil
}

// chatCommand is a push command without its channel: chat is the chat it
// came from (a Telegram chat id, or the id asynqpush.Recipients gave a
// WeChat user), args what followed the command. Replies are user-facing
// texts naming the Telegram commands (wechatWords rewrites them for
// WeChat); errors are Redis failures.
type chatCommand func(ctx context.Context, chat int64, args string) (bot.Reply, error)

// telegram is f as a Telegram command.
func (f chatCommand) telegram() telegram.CommandHandler {
	return func(ctx context.Context, c telegram.Command) (bot.Reply, error) {
		chat, err := commandChat(c)
		if err != nil {
			return bot.Reply{}, err
		}
		return f(ctx, chat, c.Args)
	}
}

// pushSubscribeCommand is /subscribe: with a binding code (`/subscribe
// CODE`, push codes) the chat becomes the owner of the code's enterprise and
// is subscribed; with a profile JSON (before or after a code) the owner chat
// replaces the enterprise's profile. A chat that does not own the
// enterprise needs a code: no other way moves an enterprise between chats.
// With sch, a saved profile that replaced one whose bill today differs gets
// the change pushed (a re-bill: only what changed; not on the binding
// itself, whose bill is the news), and today's reminders are scheduled.
func pushSubscribeCommand(store *asynqpush.Store, sch *asynqpush.Scheduler, now func() time.Time) telegram.CommandHandler {
	return subscribeCommand(store, sch, now).telegram()
}

// subscribeCommand is /subscribe without its channel (pushSubscribeCommand).
// Besides a code and a profile, the owner chat may name an enterprise it
// unsubscribed by its id alone to subscribe it again.
func subscribeCommand(store *asynqpush.Store, sch *asynqpush.Scheduler, now func() time.Time) chatCommand {
	return func(ctx context.Context, chat int64, args string) (bot.Reply, error) {
		if strings.TrimSpace(args) == "" {
			return bot.Reply{Text: subscribeHelp}, nil
		}
		code, js := splitSubscribeArgs(args)
		if code == "" && !strings.HasPrefix(js, "{") {
			if r, ok, err := resubscribe(ctx, store, sch, chat, js, beijingDay(now())); ok || err != nil {
				return r, err
			}
		}
		var (
			p   push.Profile
			err error
		)
		if js != "" {
			p, err = push.ParseProfile(strings.NewReader(js))
			if errors.Is(err, push.ErrInvalidProfile) {
				return bot.Reply{Text: "资料有误，未订阅：\n" + push.ProfileErrorText(err) + "\n\n" + subscribeHelp}, nil
			}
			if err != nil {
				return bot.Reply{}, err
			}
		}
		day := beijingDay(now())
		bound := code != ""
		if bound {
			id, err := store.Redeem(ctx, code, chat, p.ID, now())
			switch {
			case errors.Is(err, asynqpush.ErrCodeExpired):
				return bot.Reply{Text: "绑定码已过期，未绑定。请向工作人员索取新的绑定码。"}, nil
			case errors.Is(err, asynqpush.ErrCodeOtherEnterprise):
				return bot.Reply{Text: "该绑定码不是资料中这家企业（id）的，未绑定，绑定码仍可使用。请核对企业编号。"}, nil
			case errors.Is(err, asynqpush.ErrCodeInvalid):
				return bot.Reply{Text: "绑定码无效或已使用，未绑定。绑定码只能使用一次；请向工作人员索取新的绑定码。"}, nil
			case err != nil:
				return bot.Reply{}, err
			}
			if js == "" {
				rec, err := store.Record(ctx, id)
				if err != nil {
					return bot.Reply{}, err
				}
				if sch != nil {
					if _, err := sch.ScheduleProfileReminders(ctx, rec.Profile, day); err != nil {
						return bot.Reply{}, err
					}
				}
				return bot.Reply{Text: "已绑定并订阅：" + enterpriseName(rec.Profile) + "（资料取自工作人员导入的名册）。每月1日09:00推送红利账单；发送 /bill 立即查看，资料有误可发送 /subscribe 附上完整的新资料。"}, nil
			}
		}
		rec, err := store.Record(ctx, p.ID)
		switch {
		case errors.Is(err, asynqpush.ErrNotFound):
			return bot.Reply{Text: needCodeText}, nil
		case err != nil:
			return bot.Reply{}, err
		case rec.Owner != chat:
			return bot.Reply{Text: needCodeText}, nil
		}
		p.ChatID = chat
		// Saved only if nobody (an import, another message) changed the
		// profile since it was read: neither write is lost.
		if _, err := store.SaveIf(ctx, p, rec.Version); errors.Is(err, asynqpush.ErrStale) {
			return bot.Reply{Text: staleProfileText}, nil
		} else if err != nil {
			return bot.Reply{}, err
		}
		if sch != nil {
			if !bound {
				if _, _, err := sch.Rebill(ctx, rec.Profile, p, day); err != nil {
					return bot.Reply{}, err
				}
			}
			if _, err := sch.ScheduleProfileReminders(ctx, p, day); err != nil {
				return bot.Reply{}, err
			}
		}
		return bot.Reply{Text: "已订阅：" + enterpriseName(p) + "。每月1日09:00推送红利账单；发送 /bill 立即查看，/unsubscribe 退订。"}, nil
	}
}

// resubscribe subscribes chat again to the enterprise id it owns; ok is
// false when chat does not own such an enterprise (nothing is said, so
// that the reply does not tell whether the id is on the roster).
func resubscribe(ctx context.Context, store *asynqpush.Store, sch *asynqpush.Scheduler, chat int64, id string, day time.Time) (bot.Reply, bool, error) {
	rec, err := store.Record(ctx, strings.TrimSpace(id))
	switch {
	case errors.Is(err, asynqpush.ErrNotFound):
		return bot.Reply{}, false, nil
	case err != nil:
		return bot.Reply{}, false, err
	case rec.Owner != chat:
		return bot.Reply{}, false, nil
	case rec.Profile.ChatID == chat:
		return bot.Reply{Text: "已在订阅中：" + enterpriseName(rec.Profile) + "。发送 /bill 查看账单。"}, true, nil
	}
	p := rec.Profile
	p.ChatID = chat
	if _, err := store.SaveIf(ctx, p, rec.Version); errors.Is(err, asynqpush.ErrStale) {
		return bot.Reply{Text: staleProfileText}, true, nil
	} else if err != nil {
		return bot.Reply{}, true, err
	}
	if sch != nil {
		if _, err := sch.ScheduleProfileReminders(ctx, p, day); err != nil {
			return bot.Reply{}, true, err
		}
	}
	return bot.Reply{Text: "已重新订阅：" + enterpriseName(p) + "。每月1日09:00推送红利账单；发送 /bill 立即查看，/unsubscribe 退订。"}, true, nil
}

// needCodeText answers a /subscribe for an enterprise the chat does not own
// (or that is not in the roster: the reply does not say which).
const needCodeText = "本会话还不能订阅该企业，未修改：需要工作人员发放的一次性绑定码。请发送 /subscribe 绑定码 绑定本会话（如企业已在其他会话订阅，绑定后将转到本会话）。"

// splitSubscribeArgs separates a binding code from a profile JSON:
// "CODE", "CODE {…}" or "{…} CODE". Text that is neither is all profile (its
// errors are explained).
func splitSubscribeArgs(args string) (code, js string) {
	args = strings.TrimSpace(args)
	if !strings.HasPrefix(args, "{") {
		first, rest, _ := strings.Cut(args, " ")
		if _, ok := asynqpush.NormalizeCode(first); ok {
			return first, strings.TrimSpace(rest)
		}
		if _, ok := asynqpush.NormalizeCode(args); ok { // typed with spaces
			return args, ""
		}
		return "", args
	}
	if i := strings.LastIndex(args, "}"); i >= 0 {
		if tail := strings.TrimSpace(args[i+1:]); tail != "" {
			if _, ok := asynqpush.NormalizeCode(tail); ok {
				return tail, strings.TrimSpace(args[:i+1])
			}
		}
	}
	return "", args
}

// staleProfileText answers a /subscribe whose profile changed while it was
// being saved (a roster import, another message).
const staleProfileText = "该企业的资料刚刚被更新（例如工作人员导入了名册），本次未保存，以免覆盖。请发送 /bill 查看当前资料，再重新发送 /subscribe。"

// pushBillCommand is /bill: this chat's bills today, each ending with the
// chat footer, with a 反馈有误 button per enterprise; /correct then refers
// to these bills.
func pushBillCommand(store *asynqpush.Store, corr *corrections, getenv func(string) string, now func() time.Time) telegram.CommandHandler {
	return billCommand(store, corr, getenv, now).telegram()
}

// billCommand is /bill without its channel (pushBillCommand).
func billCommand(store *asynqpush.Store, corr *corrections, getenv func(string) string, now func() time.Time) chatCommand {
	return func(ctx context.Context, chat int64, _ string) (bot.Reply, error) {
		ps, err := ownedProfiles(store)(ctx, chat) // unsubscribed owners see their bill too
		if err != nil {
			return bot.Reply{}, err
		}
		if len(ps) == 0 {
			return bot.Reply{Text: "本会话尚未订阅。\n\n" + subscribeHelp}, nil
		}
		opts, _ := pushBillOptions(getenv) // checked at start-up
		day := beijingDay(now())
		texts := make([]string, len(ps))
		for i, p := range ps {
			texts[i] = push.ComputeBill(p, day, opts...).Text()
		}
		date := day.Format(time.DateOnly)
		for _, p := range ps {
			if err := corr.store.SeenBill(ctx, chat, p.ID, date); err != nil {
				return bot.Reply{}, err
			}
		}
		text := strings.Join(texts, "\n\n")
		if slices.ContainsFunc(ps, func(p push.Profile) bool { return p.ChatID != chat }) {
			text = billUnsubscribedNote + "\n\n" + text
		}
		return bot.Reply{Text: push.WithChatFooter(text), Buttons: corr.billButtons(ps, date)}, nil
	}
}

// billUnsubscribedNote heads /bill for an enterprise the chat owns but no
// longer subscribes.
const billUnsubscribedNote = "本会话已退订账单推送，账单仍可随时查看；发送 /subscribe 企业编号 可重新订阅。"

// pushUnsubscribeCommand is /unsubscribe: no more bills to this chat; the
// profiles stay (/deleteprofile deletes them), and so does the chat's
// ownership: it can subscribe again with a profile, another chat only with
// a new binding code.
func pushUnsubscribeCommand(store *asynqpush.Store) telegram.CommandHandler {
	return unsubscribeCommand(store).telegram()
}

// unsubscribeCommand is /unsubscribe without its channel.
func unsubscribeCommand(store *asynqpush.Store) chatCommand {
	return func(ctx context.Context, chat int64, _ string) (bot.Reply, error) {
		n, err := store.Unsubscribe(ctx, chat)
		if err != nil {
			return bot.Reply{}, err
		}
		if n == 0 {
			return bot.Reply{Text: "本会话没有订阅，无需退订。"}, nil
		}
		return bot.Reply{Text: fmt.Sprintf("已退订（%d 家企业），不再推送。企业资料仍保存，企业仍绑定本会话（发送 /subscribe 企业编号 可重新订阅）；发送 /deleteprofile 可删除资料。", n)}, nil
	}
}

// pushForgetCommand is /deleteprofile (/forget is taken by the conversation
// log): delete the profiles this chat subscribed.
func pushForgetCommand(store *asynqpush.Store) telegram.CommandHandler {
	return deleteProfileCommand(store).telegram()
}

// deleteProfileCommand is /deleteprofile without its channel.
func deleteProfileCommand(store *asynqpush.Store) chatCommand {
	return func(ctx context.Context, chat int64, _ string) (bot.Reply, error) {
		n, err := deleteChatProfiles(ctx, store, chat)
		if err != nil {
			return bot.Reply{}, err
		}
		if n == 0 {
			return bot.Reply{Text: "本会话没有绑定企业，没有可删除的企业资料。"}, nil
		}
		return bot.Reply{Text: fmt.Sprintf("已删除本会话绑定的 %d 家企业资料，不再推送账单。对话记录不受影响（/forget 可删除）。", n)}, nil
	}
}

// deleteChatProfiles deletes the enterprise profiles a chat owns —
// subscribed or unsubscribed since — and the push ledger's entries of the
// chat (bills, reminders, re-bills sent or planned), and says how many
// profiles there were (/deleteprofile and /forget).
func deleteChatProfiles(ctx context.Context, store *asynqpush.Store, chat int64) (int, error) {
	ps, err := ownedProfiles(store)(ctx, chat)
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if _, err := store.Delete(ctx, p.ID); err != nil {
			return 0, err
		}
	}
	if _, err := store.ForgetChatPushes(ctx, chat); err != nil {
		return 0, err
	}
	return len(ps), nil
}

// ownedProfiles lists the enterprises a chat owns (bound with a code or
// subscribed, and kept after it unsubscribes), sorted by id: what /profile,
// /bill, /correct, /deleteprofile and /forget act on.
func ownedProfiles(store *asynqpush.Store) func(context.Context, int64) ([]push.Profile, error) {
	return func(ctx context.Context, chat int64) ([]push.Profile, error) {
		recs, err := store.Owned(ctx, chat)
		if err != nil {
			return nil, err
		}
		out := make([]push.Profile, len(recs))
		for i, r := range recs {
			out[i] = r.Profile
		}
		return out, nil
	}
}

// subscribeScheduler is the scheduler /subscribe enqueues re-bills and
// reminders with; nil (none) when the environment is bad, which startPush
// reports before anything serves.
func subscribeScheduler(store *asynqpush.Store, getenv func(string) string) *asynqpush.Scheduler {
	sch, err := newPushScheduler(store, nil, getenv, nil)
	if err != nil {
		return nil
	}
	return sch
}
