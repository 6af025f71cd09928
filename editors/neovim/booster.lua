-- booster-lsp for Neovim: the language server, format on save and key maps.
--
--   Neovim >= 0.11     vim.lsp.config('booster', ...) + vim.lsp.enable('booster')
--   nvim-lspconfig     on older Neovim when lspconfig is installed: lspconfig.booster.setup{}
--   Neovim 0.7 - 0.10  without lspconfig: a FileType autocmd with vim.lsp.start (0.7: start_client)
--
-- Use: copy this file to ~/.config/nvim/lua/booster.lua and put in init.lua
--   require('booster').setup({ settings = { lineWidth = 100, python = { quoteStyle = 'single' } } })
-- or, without copying:  dofile('/path/to/booster-lsp/editors/neovim/booster.lua').setup({})
-- Options (all optional): cmd, filetypes, root_markers, settings (the `booster` section, camelCase),
-- format_on_save (true), keymaps (true, or a table overriding the keys below), lspconfig ('auto').
local M = {}

M.name = 'booster'
M.filetypes = {
  'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
  'go', 'rust', 'json', 'jsonc', 'markdown', 'toml',
}
M.root_markers = { 'settings/booster.yaml', 'pyproject.toml', 'package.json', 'go.mod', 'Cargo.toml', '.git' }
M.keys = {
  code_action = '<leader>ca', -- code actions (quick fixes, refactorings) at the cursor or selection
  fix_all = '<leader>cf', -- source.fixAll.booster: every safe lint fix of the file
  organize_imports = '<leader>co', -- source.organizeImports.booster: sort a Python file's imports
  rename = '<leader>rn',
  format = '<leader>bf',
  stats = '<leader>bs', -- the server's statistics
}

local has = function(feature) return vim.fn.has(feature) == 1 end

--- The server command: .venv/bin/booster-lsp of the current directory if present, else PATH.
function M.default_cmd()
  for _, venv in ipairs({ '.venv', 'venv' }) do
    local script = vim.fn.getcwd() .. '/' .. venv .. '/bin/booster-lsp'
    if vim.fn.executable(script) == 1 then return { script } end
  end
  return { 'booster-lsp' }
end

local function clients_of(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = bufnr, name = M.name })
end

--- Format the buffer with booster only, synchronously (used on save).
function M.format(bufnr, timeout_ms)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  timeout_ms = timeout_ms or 3000
  if has('nvim-0.8') then
    vim.lsp.buf.format({ bufnr = bufnr, name = M.name, timeout_ms = timeout_ms, async = false })
    return
  end
  for _, client in ipairs(clients_of(bufnr)) do -- Neovim 0.7
    local params = vim.lsp.util.make_formatting_params({})
    params.textDocument = { uri = vim.uri_from_bufnr(bufnr) }
    local response = client.request_sync('textDocument/formatting', params, timeout_ms, bufnr)
    if response and response.result then
      vim.lsp.util.apply_text_edits(response.result, bufnr, client.offset_encoding)
    elseif response and response.err then
      vim.notify('booster: ' .. tostring(response.err.message), vim.log.levels.WARN)
    end
  end
end

local function apply_source_action(kind)
  local context = { only = { kind }, diagnostics = {} }
  if has('nvim-0.8') then
    vim.lsp.buf.code_action({ context = context, apply = true })
  else
    vim.lsp.buf.code_action(context)
  end
end

function M.fix_all() apply_source_action('source.fixAll.booster') end

function M.organize_imports() apply_source_action('source.organizeImports.booster') end

function M.stats()
  local params = { command = 'booster.stats', arguments = {} }
  vim.lsp.buf_request(0, 'workspace/executeCommand', params, function(err, result)
    if err then
      vim.notify('booster.stats: ' .. tostring(err.message), vim.log.levels.ERROR)
    else
      vim.notify(vim.inspect(result), vim.log.levels.INFO)
    end
  end)
end

local function set_keymaps(bufnr, keys)
  local map = function(modes, lhs, rhs, desc)
    if lhs then vim.keymap.set(modes, lhs, rhs, { buffer = bufnr, silent = true, desc = 'booster: ' .. desc }) end
  end
  map({ 'n', 'x' }, keys.code_action, function() vim.lsp.buf.code_action() end, 'code action')
  map('n', keys.fix_all, M.fix_all, 'fix all')
  map('n', keys.organize_imports, M.organize_imports, 'organize imports')
  map('n', keys.rename, function() vim.lsp.buf.rename() end, 'rename')
  map('n', keys.format, function() M.format(bufnr) end, 'format')
  map('n', keys.stats, M.stats, 'statistics')
end

--- on_attach: buffer-local key maps and format on save.
function M.on_attach_with(opts)
  return function(client, bufnr)
    if opts.keymaps ~= false then
      set_keymaps(bufnr, vim.tbl_extend('force', M.keys, type(opts.keymaps) == 'table' and opts.keymaps or {}))
    end
    if opts.format_on_save ~= false then
      local group = vim.api.nvim_create_augroup('booster_format_on_save_' .. bufnr, { clear = true })
      vim.api.nvim_create_autocmd('BufWritePre', {
        group = group,
        buffer = bufnr,
        desc = 'booster: format on save',
        callback = function() M.format(bufnr) end,
      })
    end
    if opts.on_attach then opts.on_attach(client, bufnr) end
  end
end

local function find_root(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then break end
    dir = parent
  end
  return vim.fn.getcwd()
end

--- The client configuration shared by every path.
function M.config(opts)
  opts = opts or {}
  local settings = opts.settings
  if settings == nil or next(settings) == nil then settings = vim.empty_dict() end
  return {
    name = M.name,
    cmd = opts.cmd or M.default_cmd(),
    filetypes = opts.filetypes or M.filetypes,
    root_markers = opts.root_markers or M.root_markers,
    settings = { booster = settings }, -- answers workspace/configuration
    init_options = { booster = settings },
    on_attach = M.on_attach_with(opts),
  }
end

function M.setup(opts)
  opts = opts or {}
  local config = M.config(opts)
  local use_lspconfig = opts.lspconfig
  if use_lspconfig == nil or use_lspconfig == 'auto' then
    use_lspconfig = not vim.lsp.config and pcall(require, 'lspconfig')
  end

  if vim.lsp.config and not use_lspconfig then -- Neovim >= 0.11
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
    M.mode = 'vim.lsp.config'
    return M
  end

  if use_lspconfig then -- nvim-lspconfig
    local configs = require('lspconfig.configs')
    if not configs[M.name] then
      configs[M.name] = {
        default_config = {
          cmd = config.cmd,
          filetypes = config.filetypes,
          root_dir = require('lspconfig.util').root_pattern(unpack(config.root_markers)),
          settings = config.settings,
          init_options = config.init_options,
        },
        docs = { description = 'booster-lsp: formatting, lint fixes and refactorings in WebAssembly modules' },
      }
    end
    require('lspconfig')[M.name].setup({ on_attach = config.on_attach })
    M.mode = 'lspconfig'
    return M
  end

  -- Neovim 0.7 - 0.10 without lspconfig
  local client_id
  local function start(bufnr)
    local client_config = {
      name = M.name,
      cmd = config.cmd,
      root_dir = find_root(bufnr, config.root_markers),
      settings = config.settings,
      init_options = config.init_options,
      on_attach = config.on_attach,
    }
    if vim.lsp.start then -- 0.8+
      vim.api.nvim_buf_call(bufnr, function() vim.lsp.start(client_config) end)
    else -- 0.7: one client for every buffer
      if not client_id or vim.lsp.client_is_stopped(client_id) then
        client_id = vim.lsp.start_client(client_config)
      end
      if client_id then vim.lsp.buf_attach_client(bufnr, client_id) end
    end
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('booster_lsp_start', { clear = true }),
    pattern = config.filetypes,
    callback = function(args) start(args.buf) end,
  })
  M.mode = vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client'
  return M
end

return M
