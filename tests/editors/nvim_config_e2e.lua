-- Driven by test_neovim_config.py:  nvim --headless -u nvim_config_e2e.lua
-- Loads the shipped editors/neovim/booster.lua, then in a scratch workspace: format on save,
-- a code action, organize imports and a rename through the key maps. Writes results as JSON.
-- Environment: BOOSTER_NVIM_CONFIG, BOOSTER_LSP, BOOSTER_WORKSPACE, BOOSTER_RESULTS.
vim.cmd('filetype plugin indent on')
vim.g.mapleader = ' '

local booster = dofile(os.getenv('BOOSTER_NVIM_CONFIG'))
booster.setup({
  cmd = { os.getenv('BOOSTER_LSP'), '--log-level', 'info' },
  settings = { python = { quoteStyle = 'single' } },
})

local workspace = os.getenv('BOOSTER_WORKSPACE')
local results = { version = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch), mode = booster.mode, steps = {} }

local function read(path)
  local file = assert(io.open(path, 'rb'))
  local text = file:read('*a')
  file:close()
  return text
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function booster_client(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, client in ipairs(get({ bufnr = bufnr })) do
    if client.name == 'booster' then return client end
  end
end

local function open(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(workspace .. '/' .. name))
  local bufnr = vim.api.nvim_get_current_buf()
  local ready = vim.wait(20000, function()
    local client = booster_client(bufnr)
    return client ~= nil and client.server_capabilities ~= nil and next(client.server_capabilities) ~= nil
  end, 50)
  assert(ready, 'booster did not attach to ' .. name)
  return bufnr
end

local function press(lhs)
  local map = vim.fn.maparg(lhs, 'n', false, true)
  assert(map and map.lhs, 'no key map ' .. lhs)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(lhs, true, false, true), 'mx', false)
end

local function wait_for_change(bufnr, before, what)
  assert(vim.wait(15000, function() return buffer_text(bufnr) ~= before end, 50), what .. ': buffer unchanged')
end

local steps = {}

steps.format_on_save = function(step)
  local bufnr = open('format_me.py')
  vim.cmd('write')
  step.file = read(workspace .. '/format_me.py')
end

steps.code_action = function(step)
  local bufnr = open('unused_import.py')
  assert(vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.code == 'F401' or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == 'F401') then return true end
    end
    return false
  end, 50), 'no F401 diagnostic: ' .. vim.inspect(vim.diagnostic.get(bufnr)))
  local titles = {}
  vim.ui.select = function(items, opts, on_choice)
    local chosen
    for index, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(titles, title)
      if not chosen and title:lower():find('import') then chosen = index end
    end
    if chosen then on_choice(items[chosen], chosen) else on_choice(nil, nil) end
  end
  vim.api.nvim_win_set_cursor(0, { 1, 7 })
  local before = buffer_text(bufnr)
  press('<leader>ca')
  wait_for_change(bufnr, before, 'code action (offered: ' .. table.concat(titles, ' | ') .. ')')
  step.titles = titles
  step.buffer = buffer_text(bufnr)
  vim.cmd('write')
  step.file = read(workspace .. '/unused_import.py')
end

steps.organize_imports = function(step)
  local bufnr = open('unsorted.py')
  local before = buffer_text(bufnr)
  press('<leader>co')
  wait_for_change(bufnr, before, 'organize imports')
  step.buffer = buffer_text(bufnr)
end

steps.rename = function(step)
  local bufnr = open('rename_me.py')
  vim.ui.input = function(opts, on_confirm)
    step.default = opts and opts.default
    on_confirm('total')
  end
  vim.api.nvim_win_set_cursor(0, { 2, 6 })
  local before = buffer_text(bufnr)
  press('<leader>rn')
  wait_for_change(bufnr, before, 'rename')
  vim.cmd('write')
  step.file = read(workspace .. '/rename_me.py')
end

local function run()
  for _, name in ipairs({ 'format_on_save', 'code_action', 'organize_imports', 'rename' }) do
    local step = {}
    local ok, err = pcall(steps[name], step)
    step.ok = ok
    if not ok then step.error = tostring(err) end
    results.steps[name] = step
  end
  local file = assert(io.open(os.getenv('BOOSTER_RESULTS'), 'w'))
  file:write(vim.fn.json_encode(results))
  file:close()
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function() vim.schedule(run) end })
