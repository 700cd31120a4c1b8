-- Pandoc filter run on every manuscript before citeproc.
--
-- 1. CommonMark has no citation syntax: "[@key]" and "[@a; @b]" written in the text become
--    citations, so that citeproc can resolve them against the YAML `references`.
-- 2. "[@fig-id]" pointing at a figure, table, section or equation of the document becomes a
--    numbered cross-reference labelled in the article's language ("Hình 1", "Table 2"); ": Caption" next to a table becomes its caption (CommonMark has
--    neither).
-- 3. Without structured references (no `references`/`bibliography` metadata), citations
--    become numbered links to the reference list entries ("ref-<key>" anchors), numbered in
--    the order the entries appear.
-- 4. A bibliography uploaded with the manuscript (copied next to it as references.bib or
--    references.json by the converter, named in `typeset-bibliography`) becomes the
--    `references` citeproc uses; pandoc's sandbox keeps --bibliography from reading it.

local function stringify(inlines)
  return pandoc.utils.stringify(inlines)
end

local function parse_keys(text)
  local cites = {}
  for key in text:gmatch("@([%w_][%w_:%.#%$%%&%-%+%?<>~/]*)") do
    key = key:gsub("[%.:;,]+$", "")
    table.insert(cites, pandoc.Citation(key, "NormalCitation"))
  end
  return cites
end

local function bracket_citations(inlines)
  local out = pandoc.Inlines({})
  local i = 1
  while i <= #inlines do
    local el = inlines[i]
    if el.t == "Str" and el.text:sub(1, 2) == "[@" then
      local j = i
      local found = nil
      while j <= #inlines and j < i + 60 do
        local e = inlines[j]
        if e.t == "Str" and e.text:find("]", 1, true) then
          found = j
          break
        end
        if e.t ~= "Str" and e.t ~= "Space" and e.t ~= "SoftBreak" then break end
        j = j + 1
      end
      if found then
        local span = pandoc.Inlines({})
        for k = i, found do span:insert(inlines[k]) end
        local text = stringify(span)
        local inner, rest = text:match("^%[([^%]]*)%](.*)$")
        local cites = inner and parse_keys(inner) or {}
        if #cites > 0 then
          out:insert(pandoc.Cite(pandoc.Inlines({pandoc.Str("[" .. inner .. "]")}), cites))
          if rest ~= "" then out:insert(pandoc.Str(rest)) end
          i = found + 1
          goto continue
        end
      end
    end
    out:insert(el)
    i = i + 1
    ::continue::
  end
  return out
end

-- ": Caption {#tbl-id}": the identifier goes to the table, the rest is the caption.
local function caption_with_id(content, tbl)
  while content[#content] and content[#content].t == "Space" do content:remove(#content) end
  local last = content[#content]
  local id = last and last.t == "Str" and last.text:match("^{#([%w%-_:%.]+)}$")
  if last and last.t == "Span" and last.identifier ~= "" and stringify(last.content):match("^%s*$") then
    id = last.identifier  -- CommonMark's attributes extension read it already
  end
  if id then
    content:remove(#content)
    while content[#content] and content[#content].t == "Space" do content:remove(#content) end
    tbl.identifier = id
  end
  tbl.caption.long = pandoc.Blocks({ pandoc.Plain(content) })
end

local function table_captions(blocks)
  local out = pandoc.Blocks({})
  local i = 1
  while i <= #blocks do
    local b = blocks[i]
    local text = b.t == "Para" and stringify(b.content) or ""
    local nxt = blocks[i + 1]
    if text:sub(1, 2) == ": " and nxt and nxt.t == "Table" and #nxt.caption.long == 0 then
      local content = b.content:clone()
      content[1] = pandoc.Str(content[1].text:sub(2))
      if content[1].text == "" then content:remove(1) end
      while content[1] and content[1].t == "Space" do content:remove(1) end
      caption_with_id(content, nxt)
      out:insert(nxt)
      i = i + 2
    elseif b.t == "Table" and nxt and nxt.t == "Para" and #b.caption.long == 0
        and stringify(nxt.content):sub(1, 2) == ": " then
      local content = nxt.content:clone()
      content[1] = pandoc.Str(content[1].text:sub(2))
      if content[1].text == "" then content:remove(1) end
      while content[1] and content[1].t == "Space" do content:remove(1) end
      caption_with_id(content, b)
      out:insert(b)
      i = i + 2
    else
      out:insert(b)
      i = i + 1
    end
  end
  return out
end

-- Cross-reference words in the article's language (`typeset-lang`, set by the converter).
local LABELS = {
  vi = { fig = "Hình", tab = "Bảng", sec = "Mục", eq = "Phương trình" },
  en = { fig = "Figure", tab = "Table", sec = "Section", eq = "Equation" },
}

-- What pandoc read, before this filter changes anything: words (as \w+ runs), tables,
-- pictures, equations, footnotes and structured references, for the content guard. Written
-- to stderr as one line: typeset-counts {json}.
local function is_word_char(c)
  return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122) or c == 95
    or (c >= 0xC0 and c ~= 0xD7 and c ~= 0xF7 and not (c >= 0x2000 and c <= 0x2BFF)
      and not (c >= 0x3000 and c <= 0x303F) and not (c >= 0xFE30 and c <= 0xFE4F))
end

local function count_words(text)
  local n, inside = 0, false
  for _, c in utf8.codes(text) do
    local w = is_word_char(c)
    if w and not inside then n = n + 1 end
    inside = w
  end
  return n
end

-- One walk over the document: the counts for the content guard, the numbers of figures,
-- tables, sections and equations for cross-references, and whether anything is cited.
-- Words are counted per paragraph-like block from pandoc's own stringify (far cheaper than
-- a call per word), less equations and alt texts (a note's paragraphs count themselves).
local function survey(doc)
  local counts = { words = 0, tables = 0, figures = 0, equations = 0, footnotes = 0 }
  local floats = { number = {}, kind = {}, count = { fig = 0, tab = 0, sec = 0, eq = 0 } }
  local refs = { number = {}, count = 0 }
  local not_words = 0
  local cites = 0
  local function text_block(b) counts.words = counts.words + count_words(stringify(b)) end
  local function note(id, kind)
    if id ~= "" and not floats.number[id] then
      floats.count[kind] = floats.count[kind] + 1
      floats.number[id] = floats.count[kind]
      floats.kind[id] = kind
    end
  end
  doc.blocks:walk({
    Figure = function(f) note(f.identifier, "fig") end,
    Table = function(t)
      counts.tables = counts.tables + 1
      note(t.identifier, "tab")
    end,
    Span = function(span)
      local id = span.identifier
      if id:sub(1, 3) == "eq-" then note(id, "eq") end
      if id:sub(1, 4) == "ref-" and not refs.number[id] then
        refs.count = refs.count + 1
        refs.number[id] = refs.count
      end
    end,
    Image = function(i)  -- its description becomes alt text, not words of the article
      counts.figures = counts.figures + 1
      not_words = not_words + count_words(stringify(i.caption))
    end,
    Math = function(m)
      counts.equations = counts.equations + 1
      not_words = not_words + count_words(m.text)
    end,
    Note = function(n)  -- counted by its own paragraphs, not again in the one citing it
      counts.footnotes = counts.footnotes + 1
      not_words = not_words + count_words(stringify(n.content))
    end,
    Cite = function() cites = cites + 1 end,
    Para = text_block,
    Plain = text_block,
    Header = function(h)
      note(h.identifier, "sec")
      text_block(h)
    end,
    CodeBlock = text_block,
    LineBlock = text_block,
    DefinitionList = function(list)
      for _, item in ipairs(list.content) do
        counts.words = counts.words + count_words(stringify(item[1]))
      end
    end,
  })
  counts.words = counts.words - not_words
  counts.references = doc.meta.references and #doc.meta.references or 0
  io.stderr:write("typeset-counts " .. pandoc.json.encode(counts) .. "\n")
  return floats, refs, cites
end

-- A citation of the document's own figures, tables, sections or equations becomes a
-- labelled cross-reference; without structured references, any other citation becomes a
-- numbered link to the reference list entry.
local function resolve_citations(doc, floats, refs, labels, structured)
  return doc:walk({
    Cite = function(cite)
      local internal = true
      for _, c in ipairs(cite.citations) do
        if not floats.number[c.id] then internal = false end
      end
      local out = pandoc.Inlines({})
      if internal then
        local previous = nil
        for n, c in ipairs(cite.citations) do
          local kind = floats.kind[c.id]
          if n > 1 then out:insert(pandoc.Str(", ")) end
          local text = tostring(floats.number[c.id])
          if kind ~= previous then text = labels[kind] .. "\u{a0}" .. text end
          previous = kind
          out:insert(pandoc.Link(text, "#" .. c.id))
        end
        return out
      end
      if structured then return nil end
      out:insert(pandoc.Str("["))
      for n, c in ipairs(cite.citations) do
        if n > 1 then out:insert(pandoc.Str(", ")) end
        local target = "ref-" .. c.id
        local label = refs.number[target] and tostring(refs.number[target]) or c.id
        out:insert(pandoc.Link(label, "#" .. target))
      end
      out:insert(pandoc.Str("]"))
      return out
    end,
  })
end

local BIBLIOGRAPHIES = { ["references.bib"] = "biblatex", ["references.json"] = "csljson" }

local function load_bibliography(meta)
  local name = meta["typeset-bibliography"] and stringify(meta["typeset-bibliography"])
  meta["typeset-bibliography"] = nil
  local reader = name and BIBLIOGRAPHIES[name]
  if not reader then return end
  local handle = io.open(name, "r")
  if not handle then return end
  local text = handle:read("a")
  handle:close()
  local references = pandoc.read(text, reader).meta.references
  if references and #references > 0 then meta.references = references end
end

function Pandoc(doc)
  load_bibliography(doc.meta)
  local meta = doc.meta
  local lang = meta["typeset-lang"] and stringify(meta["typeset-lang"]) or "en"
  local markdown = meta["typeset-format"] and stringify(meta["typeset-format"]) == "md"
  meta["typeset-lang"] = nil
  meta["typeset-format"] = nil
  if markdown then
    doc = doc:walk({ Inlines = bracket_citations, Blocks = table_captions })
  end
  local floats, refs, cites = survey(doc)
  if cites == 0 then return doc end
  local structured = meta.references ~= nil or meta.bibliography ~= nil
  return resolve_citations(doc, floats, refs, LABELS[lang] or LABELS.en, structured)
end
