package knowledge

import (
	"regexp"
	"strings"
)

// Scope detection answers one question: do the two Chengdu documents speak to
// this at all? Three tests, in order:
//
//  1. Place: naming another city, province or country (and not Chengdu) is
//     out — the documents are Chengdu municipal policy. The exchanges of
//     Shanghai, Shenzhen and Beijing are not places: policy/7 rewards
//     listing there (沪深北交易所), in Chinese or English.
//  2. Topic: a few subjects people bring to a government bot that these
//     documents never treat (licences, personal social insurance and 落户,
//     labour law, the specifics of national tax rules, national funds,
//     weather …) are out however policy-like the wording. policy/12 only
//     promises to apply national tax cuts; 增值税 rates or 高新技术企业认定
//     criteria are national rules it does not state.
//
// Result.Scope records which test put a question out (ScopeEmpty,
// ScopeOtherPlace, ScopeOffTopic, ScopeWeak); only a weak question is near
// enough to a clause for its responsible department to be worth naming.
//  3. Evidence: otherwise the question must carry enough of the documents'
//     vocabulary — a domain concept from the synonym table, a word asking
//     for public support (supportWords), or lexicon words and bigrams of the
//     corpus worth minEvidence in IDF.

// minEvidence is the summed IDF (lexicon words count fully, bare bigrams a
// third) a question needs when no domain concept matched: one lexicon word
// found in at most a few clauses (有什么补贴: 补贴, IDF 2.6) is enough, a
// couple of bigrams the corpus happens to contain (推荐 in 推荐人才, 流程 in
// 审批流程) are not. Subjects whose words the corpus shares with citizens' errands (社保,
// 公积金) are caught by offTopics first.
const minEvidence = 2.5

// inScopePlaces (names that put a question in Chengdu), otherPlaces (places
// the documents do not cover; Chinese names match as substrings, Latin ones
// as whole words) and placeExceptions (institutions named after places,
// blanked out before otherPlaces is checked) are data: vocab/places.yaml.

// placeExceptionReplacer blanks placeExceptions out of a normalised question
// and out of its padded word form.
var placeExceptionReplacer = func() *strings.Replacer {
	var pairs []string
	for _, e := range placeExceptions {
		if isASCII(e) {
			pairs = append(pairs, " "+strings.Join(englishWords(e), " ")+" ", "  ")
		} else {
			pairs = append(pairs, e, " ")
		}
	}
	return strings.NewReplacer(pairs...)
}()

// exchangeCities are the cities whose exchanges policy/7 names (沪深北交易所).
// Listing there is a Chengdu question however the exchanges are listed:
// "上海、深圳或北京证券交易所", "the Shanghai, Shenzhen or Beijing
// exchanges", "Shanghai stock market".
var exchangeCities = map[string]bool{"shanghai": true, "shenzhen": true, "beijing": true}

// exchangeHan matches Chinese lists of those cities ending in an exchange.
var exchangeHan = regexp.MustCompile(`(?:上海|深圳|北京)(?:证券)?(?:[、,，/和或及与 ]*(?:上海|深圳|北京)(?:证券)?)*(?:证券交易所|交易所|证交所)`)

// blankExchanges removes exchange cities from a question that names them as
// exchanges: in the padded English form, a run of those cities (joined by
// and/or/the/stock) directly before exchange, bourse or stock market; in
// Chinese, exchangeHan.
func blankExchanges(norm, padded string) (string, string) {
	norm = exchangeHan.ReplaceAllString(norm, " ")
	words := strings.Fields(padded)
	drop := make([]bool, len(words))
	for i, w := range words {
		if w != "exchange" && w != "bourse" && (w != "market" || i == 0 || words[i-1] != "stock") {
			continue
		}
		for j := i - 1; j >= 0; j-- {
			switch v := words[j]; {
			case exchangeCities[v]:
				drop[j] = true
			case v == "and" || v == "or" || v == "the" || v == "stock" || v == "securitie" || v == "nor":
			default:
				j = -1
			}
		}
	}
	var b strings.Builder
	b.WriteByte(' ')
	for i, w := range words {
		if !drop[i] {
			b.WriteString(w)
			b.WriteByte(' ')
		}
	}
	return norm, b.String()
}

// offTopics are subjects outside the documents, each with the label the
// reason names, its triggers ("A+B" needs both parts) and the unless phrases
// that make a trigger mean something the documents do treat (企业落户 is
// policy/9, 落户 of a person an errand). They are data: vocab/offtopics.yaml.

// The values of Result.Scope for a question out of scope.
const (
	ScopeEmpty      = "empty"       // nothing to search for
	ScopeOtherPlace = "other_place" // another city, province or country
	ScopeOffTopic   = "off_topic"   // a subject the documents never treat
	ScopeWeak       = "weak"        // too little of the documents' vocabulary
)

type scopeVerdict struct {
	in     bool
	kind   string // "" when in, else one of the Scope constants
	reason string
}

// judgeScope applies the three tests to a normalised question; padded is its
// " word word " English form, found the matched concepts, evidence the
// lexical evidence of the user's own words.
func judgeScope(norm, padded string, found []*compiledConcept, evidence float64) scopeVerdict {
	if strings.TrimSpace(norm) == "" {
		return scopeVerdict{kind: ScopeEmpty, reason: "问题为空，请输入想了解的政策问题"}
	}
	if p := otherPlaceIndex.first(norm, padded); p >= 0 && (inScopeIndex.first(norm, padded) < 0 || reComparison.MatchString(norm)) {
		// Only now blank out institutions named after places (北京证券交易所)
		// and look again: rare, so not worth doing on every question.
		pn, pp := blankExchanges(norm, padded)
		pn, pp = placeExceptionReplacer.Replace(pn), placeExceptionReplacer.Replace(pp)
		if p = otherPlaceIndex.first(pn, pp); p >= 0 {
			return scopeVerdict{kind: ScopeOtherPlace, reason: "问题涉及" + displayPlace(otherPlaces[p]) + "，本助手只覆盖成都市的两份政策文件（优质中小企业梯度培育三年实施方案、支持中小企业专精特新发展若干政策）"}
		}
	}
	// An aside in brackets ("（都有发票和合同）") is never what is asked.
	if t := offTopic(BlankAsides(norm), padded); t >= 0 {
		return scopeVerdict{kind: ScopeOffTopic, reason: "问题涉及" + offTopics[t].label + "，不在两份政策文件的范围内，可咨询相关主管部门或拨打12345热线"}
	}
	for _, c := range found {
		if c.domain {
			return scopeVerdict{in: true}
		}
	}
	if supportWordIndex.first(norm, padded) >= 0 {
		return scopeVerdict{in: true}
	}
	if evidence >= minEvidence {
		return scopeVerdict{in: true}
	}
	return scopeVerdict{kind: ScopeWeak, reason: "问题与两份政策文件（优质中小企业梯度培育、专精特新支持政策）的内容关联不足，本助手无法据此作答，可拨打12345热线咨询"}
}

// reComparison: a question that sets another place beside Chengdu
// ("重庆的政策和成都比哪个好", "does Suzhou have X like Chengdu's") asks about
// the other place, which the documents do not cover.
var reComparison = regexp.MustCompile(`(和|跟|与|同)成都(比|相比|对比|一样|差不多)|比成都|哪个好|哪里好|哪边好|有没有.{0,12}(像|和|跟)成都|\blike chengdu|\bcompared? (to|with) chengdu|\bthan chengdu|\bversus chengdu|\bvs\.? chengdu`)

// supportWords ask for public support in general (奖补资金怎么申请, any
// grants?). Past the place and topic tests they are enough to be in scope:
// that is what these documents are for. Amount words alone (多少钱) are not.
// They are data: the support_words of vocab/offtopics.yaml.

var supportWordIndex = func() *phraseIndex {
	p := &phraseIndex{}
	for i, w := range supportWords {
		p.add(w, i)
	}
	return p
}()

// Phrase indexes over the lists above; ids are list positions.
var inScopeIndex, otherPlaceIndex, offTopicIndex = func() (*phraseIndex, *phraseIndex, *phraseIndex) {
	in, other, off := &phraseIndex{}, &phraseIndex{}, &phraseIndex{}
	for i, p := range inScopePlaces {
		in.add(p, i)
	}
	for i, p := range otherPlaces {
		other.add(p, i)
	}
	for i, t := range offTopics {
		for _, tr := range t.triggers {
			off.add(tr, i)
		}
	}
	return in, other, off
}()

// offTopicUnless indexes the offTopics' unless phrases.
var offTopicUnless = func() *phraseIndex {
	p := &phraseIndex{}
	for i, t := range offTopics {
		for _, u := range t.unless {
			p.add(u, i)
		}
	}
	return p
}()

// reAside is a bracketed aside of a normalised question (Normalize makes
// full-width brackets half-width).
var reAside = regexp.MustCompile(`\([^()]*\)`)

// BlankAsides replaces the bracketed asides of a normalised question with
// a space: an aside ("（都有发票和合同）") is never what is asked.
func BlankAsides(norm string) string { return reAside.ReplaceAllString(norm, " ") }

// JoinAsides keeps the asides of a normalised question but blanks the
// commas inside them, so that splitting at commas leaves each aside with
// the words it follows ("省级专精特新（老企业，不是今年新认定）").
func JoinAsides(norm string) string {
	return reAside.ReplaceAllStringFunc(norm, func(a string) string { return strings.NewReplacer(",", " ", "，", " ").Replace(a) })
}

// offTopic returns the first offTopics entry the question triggers and no
// unless phrase of it cancels, or -1.
func offTopic(norm, padded string) int {
	var hit [maxOffTopics]bool
	found := false
	offTopicIndex.each(norm, padded, func(id int) { hit[id], found = true, true })
	if !found {
		return -1
	}
	offTopicUnless.each(norm, padded, func(id int) { hit[id] = false })
	for i, h := range hit {
		if h {
			return i
		}
	}
	return -1
}

// displayPlace names a Latin place in the reason in a readable form.
func displayPlace(p string) string {
	switch p {
	case "the us", "u s":
		return "US"
	case "u k":
		return "UK"
	}
	if isASCII(p) && len(p) <= 3 {
		return strings.ToUpper(p)
	}
	if isASCII(p) {
		return strings.ToUpper(p[:1]) + p[1:]
	}
	return p
}
