import { describe, expect, it } from 'vitest';
import { QDC_NAMESPACE, QdcError, readQdc, writeQdc, type CodebookCode, type CodebookDoc } from './qdc';

const G1 = '1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294';
const G2 = 'DFE5C38E-9449-5959-A1F7-E3D895CFA87F';
const G3 = '0d62985d-b147-5d01-a9b5-cae5dcd98342';

let counter = 0;
function guid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

function code(name: string, extra: Partial<CodebookCode> = {}): CodebookCode {
  return { guid: guid(), name, colour: null, description: '', codable: true, children: [], ...extra };
}

/** The standard's shape, as ATLAS.ti and QualCoder write it (BOM, xsi attributes, Sets, 3-digit colour). */
const HAND_WRITTEN = `\uFEFF<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:codebook:1.0 Codebook.xsd" origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="${G1}" name="Enablers" color="#46AA00" isCodable="false">
      <Description>Things that help &amp; support</Description>
      <Code guid="${G2}" name="Protected time" color="#f0a" isCodable="true">
        <Description><![CDATA[Time <set aside> for study]]></Description>
      </Code>
    </Code>
    <Code guid="{${G3}}" name="Barriers" isCodable="1"/>
  </Codes>
  <Sets>
    <Set name="code group 1" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <Description>kategorie 1</Description>
      <MemberCode guid="${G1}" />
    </Set>
  </Sets>
</CodeBook>`;

describe('reading a .qdc in the standard shape', () => {
  it('reads the hierarchy, descriptions, colours and codability', () => {
    const { codebook, origin, notes } = readQdc(HAND_WRITTEN);
    expect(origin).toBe('ATLAS.ti Win 23.4.0');
    expect(notes).toEqual(['1 code set(s) not carried: Waymark has no code sets.']);
    expect(codebook).toEqual({
      codes: [
        {
          guid: G1,
          name: 'Enablers',
          colour: '#46aa00',
          description: 'Things that help & support',
          codable: false,
          children: [
            {
              guid: G2,
              name: 'Protected time',
              colour: '#ff00aa',
              description: 'Time <set aside> for study',
              codable: true,
              children: [],
            },
          ],
        },
        { guid: `{${G3}}`, name: 'Barriers', colour: null, description: '', codable: true, children: [] },
      ],
    });
  });

  it('reads bytes in UTF-8 and UTF-16, and a namespace prefix', () => {
    const prefixed = `<q:CodeBook xmlns:q="${QDC_NAMESPACE}"><q:Codes><q:Code guid="${G1}" name="Llŷn 🏴󠁧󠁢󠁷󠁬󠁳󠁿" isCodable="true"/></q:Codes></q:CodeBook>`;
    const expected = readQdc(prefixed).codebook;
    expect(expected.codes[0]!.name).toBe('Llŷn 🏴󠁧󠁢󠁷󠁬󠁳󠁿');
    expect(readQdc(Buffer.from(prefixed, 'utf8')).codebook).toEqual(expected);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(prefixed, 'utf16le')]);
    expect(readQdc(new Uint8Array(utf16)).codebook).toEqual(expected);
  });

  it('decodes character references, keeps CR given as &#13; and reads literal CRLF as LF', () => {
    const xml = `<CodeBook xmlns="${QDC_NAMESPACE}"><Codes><Code guid="${G1}" name="a&#10;b&#x1F600;" isCodable="true"><Description>one\r\ntwo&#13;&#10;three</Description></Code></Codes></CodeBook>`;
    const [only] = readQdc(xml).codebook.codes;
    expect(only!.name).toBe('a\nb😀');
    expect(only!.description).toBe('one\ntwo\r\nthree');
    const literal = `<CodeBook xmlns="${QDC_NAMESPACE}" origin="a\tb\r\nc"><Codes><Code guid="${G1}" name="x\ny" isCodable="true"/></Codes></CodeBook>`;
    expect(readQdc(literal)).toMatchObject({ origin: 'a b c', codebook: { codes: [{ name: 'x y' }] } });
  });

  it('ignores elements of other namespaces and notes a bad colour', () => {
    const xml = `<CodeBook xmlns="${QDC_NAMESPACE}" xmlns:x="urn:other"><x:Extra/><Codes><Code guid="${G1}" name="A" isCodable="true" color="red"><x:Code guid="bad"/></Code></Codes></CodeBook>`;
    const result = readQdc(xml);
    expect(result.codebook.codes).toEqual([
      { guid: G1, name: 'A', colour: null, description: '', codable: true, children: [] },
    ]);
    expect(result.notes).toEqual(['The colour "red" of the code "A" (position 1) is not #RRGGBB; it was left out.']);
  });
});

describe('writing and reading back', () => {
  it('round-trips emoji, Welsh, accents, markup characters and whitespace exactly', () => {
    const doc: CodebookDoc = {
      codes: [
        code('Cymraeg: ŵ ŷ ll ch dd — Llanfair', {
          colour: '#aabbcc',
          description: '  Leading and trailing spaces \n\n with <tags> & "quotes" \'apos\' and CRLF\r\n kept  ',
          codable: false,
          children: [
            code('👨‍👩‍👧 family & 🇬🇧 flag', { description: 'e\u0301 combining' }),
            code('Tab\there, newline\nthere, CR\rhere', { colour: '#000000', children: [code('Deeper 😀')] }),
          ],
        }),
        code('<script>alert("x")</script>'),
      ],
    };
    const xml = writeQdc(doc);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"')).toBe(
      true,
    );
    expect(xml).not.toContain('<script>');
    const back = readQdc(xml);
    expect(back.codebook).toEqual(doc);
    expect(back.origin).toBe('Waymark');
    expect(back.notes).toEqual([]);
    expect(writeQdc(back.codebook)).toBe(xml);
  });

  it('writes and reads an empty codebook', () => {
    const xml = writeQdc({ codes: [] }, 'Tool & Co');
    expect(xml).toContain('<Codes/>');
    expect(readQdc(xml)).toEqual({ codebook: { codes: [] }, origin: 'Tool & Co', notes: [] });
  });

  it('writes the standard attributes', () => {
    const xml = writeQdc({ codes: [code('A', { guid: G1, colour: '#46aa00', description: 'd' })] });
    expect(xml).toContain(`<Code guid="${G1}" name="A" isCodable="true" color="#46AA00">`);
    expect(xml).toContain('<Description>d</Description>');
  });

  it('refuses to write what could not be read back', () => {
    const bad = (c: CodebookCode, message: string | RegExp) => {
      expect(() => writeQdc({ codes: [c] })).toThrow(QdcError);
      expect(() => writeQdc({ codes: [c] })).toThrow(message);
    };
    bad(code(' '), 'The code at position 1 has no name.');
    bad(code('A', { guid: 'not-a-guid' }), 'The code "A" (position 1) has guid "not-a-guid", which is not a GUID.');
    bad(code('A', { colour: 'red' }), 'The code "A" (position 1) has colour "red", which is not #rrggbb.');
    bad(code('A\u0001'), 'The code "A\u0001" (position 1)\'s name has a character XML cannot carry (U+0001).');
    bad(code('A', { description: 'x\ud800' }), /description .* cannot carry \(U\+D800\)/);
    bad(code('A', { children: [code('B', { guid: G1 }), code('C', { guid: G1.toLowerCase() })] }), /same guid/);
    let deep = code('leaf');
    for (let i = 0; i < 20; i++) deep = code(`level ${i}`, { children: [deep] });
    bad(deep, 'The codebook nests codes more than 20 deep (at position 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1).');
    const many = { codes: Array.from({ length: 5001 }, (_, i) => code(`c${i}`)) };
    expect(() => writeQdc(many)).toThrow('The codebook has more than 5000 codes.');
  });
});

const wrap = (codes: string, root = `<CodeBook xmlns="${QDC_NAMESPACE}">`) =>
  `${root}<Codes>${codes}</Codes></CodeBook>`;

describe('refusing bad and hostile input', () => {
  const refuses = (input: string | Uint8Array, message: string | RegExp) => {
    expect(() => readQdc(input)).toThrow(QdcError);
    expect(() => readQdc(input)).toThrow(message);
  };

  it('refuses what is not XML', () => {
    refuses('', /not well-formed XML/);
    refuses('just some words', /not well-formed XML \(line 1, column 1\)/);
    refuses(`<CodeBook xmlns="${QDC_NAMESPACE}"><Codes></CodeBook>`, /not well-formed XML/);
    refuses(new Uint8Array([0x3c, 0x61, 0xff, 0xfe, 0x3e, 0x00]), 'The codebook file is not UTF-8 (or UTF-16) text.');
    refuses(`${wrap('')}<CodeBook/>`, 'The codebook file has 2 root elements; it needs exactly one, <CodeBook>.');
    refuses(`${wrap('')} trailing`, /not well-formed XML \(line 1, column \d+\): Extra text at the end/);
  });

  it('refuses any DOCTYPE or ENTITY declaration (external entities, billion laughs)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${wrap(`<Code guid="${G1}" name="&xxe;" isCodable="true"/>`)}`;
    refuses(xxe, /DOCTYPE or ENTITY declaration/);
    const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${wrap('')}`;
    refuses(laughs, /DOCTYPE or ENTITY declaration/);
    refuses(
      wrap(`<Code guid="${G1}" name="A" isCodable="true" __proto__="x"/>`),
      'The codebook file uses the reserved name "__proto__" for an element or attribute.',
    );
    refuses(wrap(`<Code guid="${G1}" name="A" isCodable="true"><constructor/></Code>`), /reserved name "constructor"/);
    refuses(`<!doctype CodeBook>${wrap('')}`, /DOCTYPE/);
    refuses(
      wrap(`<Code guid="${G1}" name="&xxe;" isCodable="true"/>`),
      /uses the entity &xxe;, which a codebook may not define/,
    );
    refuses(
      wrap(`<Code guid="${G1}" name="&#0;" isCodable="true"/>`),
      /character reference &#0;, which XML does not allow/,
    );
    refuses(wrap(`<Code guid="${G1}" name="a & b" isCodable="true"/>`), /not well-formed|starts no entity/);
  });

  it('refuses the wrong root or namespace', () => {
    refuses(
      '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>',
      'The root element is <Project>, not <CodeBook>: this is not a REFI-QDA codebook (.qdc).',
    );
    refuses(
      wrap('', '<CodeBook>'),
      "The <CodeBook> element is in no namespace; a REFI-QDA codebook's is urn:QDA-XML:codebook:1.0.",
    );
    refuses(wrap('', '<CodeBook xmlns="urn:QDA-XML:project:1.0">'), /in the namespace "urn:QDA-XML:project:1.0"/);
    refuses(
      `<CodeBook xmlns="${QDC_NAMESPACE}"/>`,
      'The codebook needs exactly one <Codes> element inside <CodeBook>.',
    );
  });

  it('refuses codes without guid or name, bad guids and duplicates', () => {
    refuses(wrap('<Code name="Alone" isCodable="true"/>'), 'The code "Alone" (position 1) has no guid.');
    refuses(wrap(`<Code guid="${G1}" isCodable="true"/>`), 'The code at position 1 has no name.');
    refuses(wrap(`<Code guid="${G1}" name="  " isCodable="true"/>`), 'The code at position 1 has no name.');
    refuses(
      wrap('<Code guid="1234" name="A" isCodable="true"/>'),
      'The code "A" (position 1) has guid "1234", which is not a GUID.',
    );
    refuses(
      wrap(
        `<Code guid="${G1}" name="A" isCodable="true"><Code guid="{${G1.toLowerCase()}}" name="B" isCodable="true"/></Code>`,
      ),
      `The code "B" (position 1.1) has the same guid as the code "A" (position 1): {${G1.toLowerCase()}}.`,
    );
    refuses(
      wrap(`<Code guid="${G1}" name="A" isCodable="maybe"/>`),
      'The code "A" (position 1) has isCodable "maybe"; it must be true or false.',
    );
  });

  it('refuses more than 5,000 codes, nesting deeper than 20 and files over 5 MB', () => {
    const many = Array.from({ length: 5001 }, (_, i) => `<Code guid="${guid()}" name="c${i}" isCodable="true"/>`);
    refuses(wrap(many.join('')), 'The codebook has more than 5000 codes.');
    expect(readQdc(wrap(many.slice(0, 5000).join(''))).codebook.codes).toHaveLength(5000);
    const nest = (n: number) =>
      `${Array.from({ length: n }, (_, i) => `<Code guid="${guid()}" name="d${i}" isCodable="true">`).join('')}${'</Code>'.repeat(n)}`;
    expect(() => readQdc(wrap(nest(20)))).not.toThrow();
    refuses(wrap(nest(21)), `The codebook nests codes more than 20 deep (at position 1${'.1'.repeat(20)}).`);
    refuses(`<a>${'<b>'.repeat(200)}${'</b>'.repeat(200)}</a>`, 'The codebook file nests elements more than 100 deep.');
    const big = wrap(
      `<Code guid="${G1}" name="A" isCodable="true"><Description>${'x'.repeat(5 * 1024 * 1024)}</Description></Code>`,
    );
    refuses(big, /The codebook file is over 5 MB \(5\.0 MB\)\./);
    refuses(Buffer.from(big), /over 5 MB/);
  });
});
