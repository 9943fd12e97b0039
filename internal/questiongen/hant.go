package questiongen

import "strings"

// toTraditional converts simplified Chinese to traditional with this
// package's own character table, which covers every character the grammar
// writes (a test holds that). It is the generator's own, deliberately not
// the converter the engine may use to read traditional text.
func toTraditional(s string) string { return hant.Replace(s) }

var hant = strings.NewReplacer(hantPairs()...)

func hantPairs() []string {
	var out []string
	simp, trad := []rune(hantSimplified), []rune(hantTraditional)
	if len(simp) != len(trad) {
		panic("questiongen: hant table halves differ in length")
	}
	for i := range simp {
		out = append(out, string(simp[i]), string(trad[i]))
	}
	return out
}

const (
	hantSimplified  = "没万专业两个为么习买产亿从们体内册准几刚创别务励医占历叁参发号后吗听员国壮备复头奖学实对导师并庆应开户扰报换数断时术机权条来构标汉涨烦牵现积称税笔级经绵缴网苏获营补规计订认评诊话该说请谢账贰贴贷费资转载边达迁过还进里钱销长门问间阳际陆顶项领额驾"
	hantTraditional = "沒萬專業兩個為麼習買產億從們體內冊準幾剛創別務勵醫佔歷叄參發號後嗎聽員國壯備複頭獎學實對導師並慶應開戶擾報換數斷時術機權條來構標漢漲煩牽現積稱稅筆級經綿繳網蘇獲營補規計訂認評診話該說請謝賬貳貼貸費資轉載邊達遷過還進裡錢銷長門問間陽際陸頂項領額駕"
)
