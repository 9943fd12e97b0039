package console

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// WithCurated lets staff write curated answers at /staff/curated.
func WithCurated(s CuratedStore) Option { return func(c *Console) { c.curated = s } }

// EvalCase is one line of the evaluation format (docs/ARCHITECTURE.md,
// "Evaluation protocol") that the curated export writes.
type EvalCase struct {
	Q       string   `json:"q"`
	Clauses []string `json:"clauses"`
}

// ExportCurated writes each curated answer as an evaluation case line
// {"q": …, "clauses": […]}: the staff's knowledge becomes a regression
// test (policybot eval).
func ExportCurated(w *bufio.Writer, cs []Curated) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range cs {
		if err := enc.Encode(EvalCase{Q: c.Question, Clauses: c.Clauses}); err != nil {
			return err
		}
	}
	return w.Flush()
}

func (c *Console) curatedOff(w http.ResponseWriter, r *http.Request) bool {
	if c.curated == nil {
		c.fail(w, r, http.StatusNotFound, "标准答案没有启用。", nil)
		return true
	}
	return false
}

func (c *Console) curatedList(w http.ResponseWriter, r *http.Request) {
	if c.curatedOff(w, r) {
		return
	}
	cs, err := c.curated.List(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "读取标准答案失败，请稍后再试。", err)
		return
	}
	c.render(w, r, "curated", map[string]any{"Curated": cs, "Saved": r.URL.Query().Get("saved"), "Deleted": r.URL.Query().Get("deleted") != ""})
}

// curatedForm is the form to write a curated answer, pre-filled from
// ?id= (an existing answer), ?exchange= (a log exchange: its question,
// primary clause, and its answer if that holds no figure) or ?q=&clause=.
func (c *Console) curatedForm(w http.ResponseWriter, r *http.Request) {
	if c.curatedOff(w, r) {
		return
	}
	v := r.URL.Query()
	form := Curated{Question: v.Get("q")}
	if cl := strings.TrimSpace(v.Get("clause")); cl != "" {
		form.Clauses = []string{cl}
	}
	note := ""
	switch {
	case v.Get("id") != "":
		got, ok, err := c.curated.Get(r.Context(), v.Get("id"))
		if err != nil {
			c.fail(w, r, http.StatusInternalServerError, "读取标准答案失败，请稍后再试。", err)
			return
		}
		if !ok {
			c.fail(w, r, http.StatusNotFound, "这条标准答案不存在。", nil)
			return
		}
		form = got
	case v.Get("exchange") != "":
		e, ok := c.exchange(w, r, v.Get("exchange"))
		if !ok {
			return
		}
		form = Curated{Question: e.Question, Exchange: e.ID}
		if len(e.Citations) > 0 {
			form.Clauses = []string{e.Citations[0].ID}
		}
		if e.Answered && Figure(e.Answer) == "" {
			form.Answer = e.Answer
		} else if e.Answer != "" {
			note = "原回答含数字或金额（或没有回答），不能直接采用，请改写。"
		}
	}
	if form.Question != "" {
		if old, ok, err := c.curated.Match(r.Context(), form.Question); err == nil && ok && form.Answer == "" {
			form.Answer, form.Clauses = old.Answer, old.Clauses
			note = "这个问题已有标准答案，保存会替换它。"
		}
	}
	c.renderCuratedForm(w, r, http.StatusOK, form, note, "")
}

func (c *Console) renderCuratedForm(w http.ResponseWriter, r *http.Request, code int, form Curated, note, errMsg string) {
	var b strings.Builder
	if err := c.tmpl.ExecuteTemplate(&b, "curatedform", map[string]any{
		"C": form, "Clauses": strings.Join(form.Clauses, " "), "Note": note, "Error": errMsg,
	}); err != nil {
		c.fail(w, r, http.StatusInternalServerError, "页面生成失败。", err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(b.String()))
}

// curatedSave stores a curated answer (POST /staff/curated: question,
// answer, clauses, exchange); a refused one comes back in the form with
// the reason (400).
func (c *Console) curatedSave(w http.ResponseWriter, r *http.Request) {
	if c.curatedOff(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, http.StatusBadRequest, "请求无效。", nil)
		return
	}
	f := r.PostForm
	form := Curated{Question: f.Get("question"), Answer: f.Get("answer"),
		Clauses:  strings.FieldsFunc(f.Get("clauses"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' }),
		Exchange: f.Get("exchange"), Updated: c.now()}
	saved, err := c.curated.Save(r.Context(), form)
	switch {
	case errors.Is(err, ErrCuratedInvalid):
		msg := strings.TrimPrefix(err.Error(), ErrCuratedInvalid.Error()+": ")
		c.renderCuratedForm(w, r, http.StatusBadRequest, form, "", msg)
		return
	case errors.Is(err, ErrCuratedFull):
		c.renderCuratedForm(w, r, http.StatusBadRequest, form, "", "标准答案已达上限，请先删除不再需要的。")
		return
	case err != nil:
		c.fail(w, r, http.StatusInternalServerError, "保存标准答案失败，请稍后再试。", err)
		return
	}
	http.Redirect(w, r, "/staff/curated?saved="+url.QueryEscape(saved.ID)+"#k-"+saved.ID, http.StatusSeeOther)
}

// curatedDelete removes one (POST /staff/curated/delete: id).
func (c *Console) curatedDelete(w http.ResponseWriter, r *http.Request) {
	if c.curatedOff(w, r) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, http.StatusBadRequest, "请求无效。", nil)
		return
	}
	if _, err := c.curated.Delete(r.Context(), r.PostForm.Get("id")); err != nil {
		c.fail(w, r, http.StatusInternalServerError, "删除失败，请稍后再试。", err)
		return
	}
	http.Redirect(w, r, "/staff/curated?deleted=1", http.StatusSeeOther)
}

// curatedExport is /staff/curated.jsonl: every curated answer as an
// evaluation case.
func (c *Console) curatedExport(w http.ResponseWriter, r *http.Request) {
	if c.curatedOff(w, r) {
		return
	}
	cs, err := c.curated.List(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "导出失败，请稍后再试。", err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="curated-`+c.now().In(c.loc).Format("20060102-1504")+`.jsonl"`)
	if err := ExportCurated(bufio.NewWriter(w), cs); err != nil {
		c.log.WarnContext(r.Context(), "staff curated export write", "err", err)
	}
}
