-- Format the current buffer through booster-lsp and write it (headless Neovim >= 0.7).
-- Usage: BOOSTER_LSP_CMD='["python", "-m", "booster_lsp.lsp"]' nvim --headless --clean FILE -c "luafile nvim_format.lua"
-- With BOOSTER_FORMAT_RANGES='[[1, 1], [3, 3]]': only those lines (Neovim >= 0.11).
-- With BOOSTER_TRACE_FILE=PATH: the server's $/logTrace messages are written there.
local function fail(message)
  io.stderr:write("nvim_format.lua: " .. message .. "\n")
  vim.cmd("cquit 1")
end

local cmd = vim.fn.json_decode(os.getenv("BOOSTER_LSP_CMD") or "null")
if type(cmd) ~= "table" then
  fail("BOOSTER_LSP_CMD must be a JSON list")
end

-- With BOOSTER_TRACE_FILE: the server traces its requests ($/logTrace), written to that file.
local trace_file = os.getenv("BOOSTER_TRACE_FILE")
local traces = trace_file and io.open(trace_file, "w") or nil

local client_id = vim.lsp.start_client({
  name = "booster",
  cmd = cmd,
  root_dir = vim.fn.getcwd(),
  on_stderr = function() end,
  trace = traces and "messages" or "off",
  handlers = traces and {
    ["$/logTrace"] = function(_, params)
      traces:write(params.message .. "\n")
      traces:flush()
    end,
  } or nil,
})
if not client_id then
  fail("could not start booster-lsp")
end
vim.lsp.buf_attach_client(0, client_id)

local ready = vim.wait(30000, function()
  local client = vim.lsp.get_client_by_id(client_id)
  return client ~= nil and client.server_capabilities ~= nil and client.server_capabilities.documentFormattingProvider ~= nil
end, 20)
if not ready then
  fail("booster-lsp did not initialize")
end

local ranges = vim.fn.json_decode(os.getenv("BOOSTER_FORMAT_RANGES") or "null")
if type(ranges) == "table" then
  -- several ranges ([first, last] lines, 1-based): Neovim >= 0.11 sends textDocument/rangesFormatting
  local spans = {}
  for _, lines in ipairs(ranges) do
    local last = vim.api.nvim_buf_get_lines(0, lines[2] - 1, lines[2], false)[1]
    table.insert(spans, { start = { lines[1], 0 }, ["end"] = { lines[2], #last } })
  end
  vim.lsp.buf.format({ timeout_ms = 30000, id = client_id, range = spans })
elseif vim.lsp.buf.format then
  vim.lsp.buf.format({ timeout_ms = 30000, id = client_id })
else
  vim.lsp.buf.formatting_sync(nil, 30000)
end
vim.cmd("write")
if traces then  -- a trace follows its answer
  vim.wait(10000, function() return vim.fn.getfsize(trace_file) > 0 end, 20)
end
vim.lsp.stop_client(client_id)
vim.cmd("qall!")
