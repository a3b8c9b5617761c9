/**
 * Whether a username's letters keep to one script, as Unicode TR39's "Highly Restrictive" level asks: the
 * letters share a script, or they are covered by one of the combinations Japanese, Chinese and Korean
 * writing use beside Latin. So "аdmin" (Cyrillic а) can't pass for "admin", nor "pаypal" for "paypal".
 *
 * Which script a character belongs to is the JavaScript engine's own Unicode data, read through
 * `\p{Script_Extensions=…}` (a character used by several scripts, such as the kana prolonged sound mark,
 * counts for each); characters whose extensions are Common or Inherited (digits, ".", "_", "-", combining
 * marks) go with any script. No code points are listed here; SCRIPTS is only the vocabulary, the values
 * of Unicode's Script property (a test checks that it names every script the engine gives a letter or digit).
 * No database and no server-only import: the forms' prefill (suggestedUsername) runs in the browser too.
 */

/** The values of Unicode's Script property (Unicode 17), as \p{Script_Extensions=…} spells them. */
export const SCRIPTS = [
  "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum", "Bassa_Vah", "Batak",
  "Bengali", "Beria_Erfe", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid", "Canadian_Aboriginal", "Carian",
  "Caucasian_Albanian", "Chakma", "Cham", "Cherokee", "Chorasmian", "Coptic", "Cuneiform", "Cypriot", "Cypro_Minoan",
  "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan", "Elymaic",
  "Ethiopic", "Garay", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi",
  "Gurung_Khema", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic",
  "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana", "Kawi", "Kayah_Li",
  "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Kirat_Rai", "Lao", "Latin", "Lepcha", "Limbu",
  "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen",
  "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao",
  "Modi", "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko",
  "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Ol_Onal", "Old_Hungarian", "Old_Italic", "Old_North_Arabian",
  "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya",
  "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan",
  "Saurashtra", "Sharada", "Shavian", "Siddham", "Sidetic", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng", "Soyombo",
  "Sundanese", "Sunuwar", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham", "Tai_Viet", "Tai_Yo", "Takri",
  "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Todhri", "Tolong_Siki", "Toto",
  "Tulu_Tigalari", "Ugaritic", "Vai", "Vithkuqi", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square",
] as const;

/** TR39's Highly Restrictive combinations: Latin beside Japanese, Chinese (with Bopomofo) or Korean writing. */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ["Latin", "Han", "Hiragana", "Katakana"],
  ["Latin", "Han", "Bopomofo"],
  ["Latin", "Han", "Hangul"],
];

/** Characters that belong to no one script: they go with any. */
const ANY_SCRIPT = /[\p{Script_Extensions=Common}\p{Script_Extensions=Inherited}]/u;
/** ASCII letters are all Latin: most usernames need no further look. */
const ASCII = /^[\x00-\x7f]*$/;

let scriptTests: { name: string; test: RegExp }[] | undefined;

/** Built on first use; a name an older engine doesn't know yet is left out (its letters then count as no script, and are refused). */
function tests(): { name: string; test: RegExp }[] {
  scriptTests ??= SCRIPTS.flatMap((name) => {
    try {
      return [{ name, test: new RegExp(`\\p{Script_Extensions=${name}}`, "u") }];
    } catch {
      return [];
    }
  });
  return scriptTests;
}

/** The scripts a character is used in (its Script_Extensions); empty for one of no known script. */
export function scriptsOf(char: string): string[] {
  return tests().flatMap(({ name, test }) => (test.test(char) ? [name] : []));
}

/** True when the text's letters keep to one script or to one of TR39's allowed combinations (Highly Restrictive). */
export function keepsToOneScript(text: string): boolean {
  if (ASCII.test(text)) return true;
  const perCharacter = [...new Set(text)].filter((char) => !ANY_SCRIPT.test(char)).map(scriptsOf);
  const shared = perCharacter.reduce<string[] | undefined>((common, scripts) => (common ?? scripts).filter((s) => scripts.includes(s)), undefined);
  if (!shared || shared.length > 0) return true;
  return ALLOWED_MIXES.some((mix) => perCharacter.every((scripts) => scripts.some((s) => mix.includes(s))));
}
