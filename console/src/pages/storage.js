// The storage policies page (spec §3, docs/storage_policies.md): the OU's groups (at most 5), the models in each,
// and per group the five storage types with their retention and the points they keep.
import { route, navigate, currentQuery } from '../core/router.js';
import { h, mount, i18nText } from '../core/dom.js';
import { t, lang, defineStrings } from '../core/i18n.js';
import { get, call, searchAll, canWrite } from '../core/api.js';
import {
  pageHeader, button, badge, loading, readOnlyNotice, formDialog, confirmDialog, input, select, checkbox, toast,
  errorText,
} from '../core/ui.js';

defineStrings({
  en: {
    'storage.title': 'Storage policies', 'storage.newGroup': 'New group', 'storage.groups': 'Groups ({n}/5)',
    'storage.maxGroups': 'An OU has at most 5 groups', 'storage.noGroups': 'No storage policy group yet. Nothing is kept in history until a group keeps it.',
    'storage.editGroup': 'Edit group', 'storage.deleteGroup': 'Delete group', 'storage.groupName': 'Group name',
    'storage.groupNameHint': 'Letters, digits, Chinese, "_" and "-"', 'storage.models': 'Group models',
    'storage.noModels': 'No model in this group yet: add one with Edit group.',
    'storage.modelTaken': 'in group {group}', 'storage.deleteConfirm': 'Delete group {group}? Its stored history is deleted too, and this cannot be undone.',
    'storage.deleted': 'Group {group} deleted', 'storage.saved': 'Saved', 'storage.types': 'Storage types',
    'storage.retention': 'Storage time', 'storage.notConfigured': 'Not configured', 'storage.editPolicy': 'Edit storage policy',
    'storage.allPoints': 'All points ({n})', 'storage.pointsOf': '{k} of {n} points', 'storage.noMatching': 'This model has no {type} measure point.',
    'storage.noPointsChosen': 'No point selected', 'storage.month': '{n} month', 'storage.months': '{n} months',
    'storage.year': '{n} year', 'storage.years': '{n} years', 'storage.chooseRetention': 'Choose…',
    'storage.type.AI_RAW': 'AI raw data', 'storage.type.AI_NORMALIZED': 'AI normalized data (per minute)',
    'storage.type.DI': 'DI data', 'storage.type.PI': 'PI data', 'storage.type.GENERIC': 'Generic data',
    'storage.typeHint.AI_RAW': 'Every AI value as posted', 'storage.typeHint.AI_NORMALIZED': 'The last AI value of each minute',
    'storage.typeHint.DI': 'Every DI value (states)', 'storage.typeHint.PI': 'The last PI value of each minute',
    'storage.typeHint.GENERIC': 'Every Generic value (any type)', 'storage.modelsNeeded': 'Add a model to the group first.',
  },
  zh: {
    'storage.title': '存储策略', 'storage.newGroup': '新建分组', 'storage.groups': '存储策略分组（{n}/5）',
    'storage.maxGroups': '每个 OU 最多 5 个存储策略分组', 'storage.noGroups': '还没有存储策略分组。未配置存储策略的数据不会存入 TSDB。',
    'storage.editGroup': '编辑分组', 'storage.deleteGroup': '删除分组', 'storage.groupName': '分组名称',
    'storage.groupNameHint': '支持中文、字母、数字、"_" 和 "-"', 'storage.models': '分组模型',
    'storage.noModels': '该分组还没有模型：请通过“编辑分组”添加。',
    'storage.modelTaken': '已属于分组 {group}', 'storage.deleteConfirm': '删除分组 {group}？其已存储的历史数据也将被删除，且无法恢复。',
    'storage.deleted': '已删除分组 {group}', 'storage.saved': '已保存', 'storage.types': '存储类型',
    'storage.retention': '数据存储时效', 'storage.notConfigured': '未配置', 'storage.editPolicy': '编辑存储策略',
    'storage.allPoints': '全部测点（{n}）', 'storage.pointsOf': '{n} 个测点中已选 {k} 个', 'storage.noMatching': '该模型没有 {type} 测点。',
    'storage.noPointsChosen': '未选择测点', 'storage.month': '{n}个月', 'storage.months': '{n}个月',
    'storage.year': '{n}年', 'storage.years': '{n}年', 'storage.chooseRetention': '请选择…',
    'storage.type.AI_RAW': 'AI 原始数据', 'storage.type.AI_NORMALIZED': 'AI 分钟级归一化数据',
    'storage.type.DI': 'DI 数据', 'storage.type.PI': 'PI 数据', 'storage.type.GENERIC': '通用数据',
    'storage.typeHint.AI_RAW': '按上传原样存储每个 AI 值', 'storage.typeHint.AI_NORMALIZED': '每分钟保留最后一个 AI 值',
    'storage.typeHint.DI': '存储每个 DI 值（状态）', 'storage.typeHint.PI': '每分钟保留最后一个 PI 值',
    'storage.typeHint.GENERIC': '存储每个通用类型的值', 'storage.modelsNeeded': '请先为分组添加模型。',
  },
});

const kMaxGroups = 5;
const kStorageTypes = ['AI_RAW', 'AI_NORMALIZED', 'DI', 'PI', 'GENERIC'];
// The point type (model signalType) each storage type takes (storage_policy_routes.cpp).
const kSignalOf = { AI_RAW: 'AI', AI_NORMALIZED: 'AI', DI: 'DI', PI: 'PI', GENERIC: 'Generic' };
const kRetentions = [
  ...Array.from({ length: 11 }, (_, i) => `${i + 1}M`),
  ...Array.from({ length: 20 }, (_, i) => `${i + 1}Y`),
];

function retentionLabel(r) {
  const m = /^(\d+)([MY])$/.exec(r || '');
  if (!m) return r || t('storage.notConfigured');
  const n = Number(m[1]);
  if (m[2] === 'M') return t(n === 1 ? 'storage.month' : 'storage.months', { n });
  return t(n === 1 ? 'storage.year' : 'storage.years', { n });
}

const kGroups = '/tsdb-policy/v2.1/storage-groups';
const kPolicies = '/tsdb-policy/v2.1/policies';

route('/storage', (el) => {
  let alive = true;
  let groups = [];
  let models = [];  // every model of the OU (with its measure points)
  const body = h('div');
  el.append(body);
  mount(body, loading());

  const chosenId = () => currentQuery().get('group');

  async function load() {
    try {
      [groups, models] = await Promise.all([
        get(kGroups, { action: 'search', body: {} }),
        searchAll('/model-service/v2.1/thing-models', {}),
      ]);
      groups = groups || [];
      if (alive) draw();
    } catch (e) {
      if (alive) mount(body, pageHeader(t('storage.title')), h('div.error', errorText(e)));
    }
  }

  function modelPoints(modelId, signal) {
    const m = models.find((x) => x.modelId === modelId);
    return Object.entries(m?.measurepoints || {})
      .filter(([, p]) => !signal || p.signalType === signal)
      .map(([id, p]) => ({ id, name: i18nText(p.name, lang()) || id }));
  }

  function draw() {
    const full = groups.length >= kMaxGroups;
    const create = button('+ ' + t('storage.newGroup'), () => editGroup(null), { kind: 'primary', write: true, class: 'storage-new' });
    if (full && canWrite()) {
      create.disabled = true;
      create.title = t('storage.maxGroups');
    }
    const head = pageHeader(t('storage.title'), h('span.muted.storage-count', t('storage.groups', { n: groups.length })), create);
    if (!groups.length) {
      mount(body, head, readOnlyNotice(), h('div.panel.muted.storage-empty', t('storage.noGroups')));
      return;
    }
    const current = groups.find((g) => g.groupId === chosenId()) || groups[0];
    const tabBar = h('div.tabs.storage-tabs', { role: 'tablist' }, groups.map((g) =>
      h('button.tab' + (g === current ? '.active' : ''), {
        type: 'button', role: 'tab', dataset: { group: g.groupId },
        onclick: () => navigate('/storage?group=' + encodeURIComponent(g.groupId)),
      }, g.groupName)));
    mount(body, head, readOnlyNotice(), tabBar, groupView(current));
  }

  function groupView(g) {
    const modelChips = g.modelIds.length
      ? h('div.chips.storage-models', g.modelIds.map((id) => h('span.chip', id)))
      : h('p.muted', t('storage.noModels'));
    const info = h('div.panel.storage-group',
      h('div.storage-group-head',
        h('div', h('h2', g.groupName), g.description ? h('p.muted', g.description) : null),
        h('div.actions',
          button(t('storage.editGroup'), () => editGroup(g), { write: true, class: 'storage-edit-group' }),
          button(t('storage.deleteGroup'), () => deleteGroup(g), { kind: 'danger', write: true, class: 'storage-delete-group' }))),
      h('div.field-label', t('storage.models')), modelChips);
    const cards = kStorageTypes.map((type) => typeCard(g, type));
    return h('div', info, h('h2', t('storage.types')), h('div.storage-types', cards));
  }

  function typeCard(g, type) {
    const policy = g.policies.find((p) => p.storageType === type);
    const lines = [];
    if (policy) {
      for (const modelId of g.modelIds) {
        const all = modelPoints(modelId, kSignalOf[type]);
        const chosen = policy.models.find((m) => m.modelId === modelId)?.pointIds || [];
        if (!all.length) continue;
        const summary = chosen.length === all.length ? t('storage.allPoints', { n: all.length })
          : chosen.length ? t('storage.pointsOf', { k: chosen.length, n: all.length }) : t('storage.noPointsChosen');
        lines.push(h('div.storage-model-line', h('span.mono', modelId), ': ', summary,
          chosen.length && chosen.length < all.length ? h('div.muted.storage-point-list', chosen.join(', ')) : null));
      }
    }
    return h('div.panel.storage-type', { dataset: { type } },
      h('div.storage-type-head', h('h3', t('storage.type.' + type)),
        button(t('common.edit'), () => editPolicy(g, type, policy), { write: true, class: 'storage-edit-policy' })),
      h('p.muted', t('storage.typeHint.' + type)),
      h('div.storage-retention', t('storage.retention'), ': ',
        policy ? badge(retentionLabel(policy.retention), 'ok') : badge(t('storage.notConfigured'))),
      lines);
  }

  // Create (g null) or edit a group: name, description and its models. A model taken by another group is shown
  // but can't be picked (a model is in at most one group).
  function editGroup(g) {
    const name = input({ value: g?.groupName || '', maxlength: 64, class: 'storage-group-name' });
    const desc = input({ value: g?.description || '', class: 'storage-group-desc' });
    const owner = new Map();
    for (const other of groups) if (other !== g) for (const id of other.modelIds) owner.set(id, other.groupName);
    const boxes = [];
    const list = h('div.storage-model-picker', models.length ? models.map((m) => {
      const taken = owner.get(m.modelId);
      const box = checkbox(g?.modelIds.includes(m.modelId), { disabled: !!taken, value: m.modelId });
      boxes.push(box);
      return h('label.storage-pick', box, ' ', h('span.mono', m.modelId), ' ', h('span.muted', i18nText(m.name, lang())),
        taken ? h('span.muted', ' — ' + t('storage.modelTaken', { group: taken })) : null);
    }) : h('p.muted', t('common.none')));
    formDialog({
      title: g ? t('storage.editGroup') : t('storage.newGroup'),
      wide: true,
      fields: [
        { name: 'groupName', label: t('storage.groupName'), input: name, required: true, hint: t('storage.groupNameHint') },
        { name: 'description', label: t('common.description'), input: desc },
        { name: 'models', label: t('storage.models'), input: list },
      ],
      submit: async (v) => {
        const modelIds = boxes.filter((b) => b.checked).map((b) => b.value);
        const payload = { groupName: v.groupName, description: v.description, modelIds };
        const saved = g
          ? await get(kGroups, { action: 'update', query: { groupId: g.groupId }, body: payload })
          : await get(kGroups, { action: 'create', body: payload });
        toast(t('storage.saved'));
        navigate('/storage?group=' + encodeURIComponent(saved.groupId));  // draws the page again, read afresh
      },
    });
  }

  async function deleteGroup(g) {
    if (!(await confirmDialog(t('storage.deleteConfirm', { group: g.groupName }), { danger: true }))) return;
    try {
      await call(kGroups, { action: 'delete', query: { groupId: g.groupId }, body: {} });
      toast(t('storage.deleted', { group: g.groupName }));
      navigate('/storage');
    } catch (e) {
      toast(e, 'error');
    }
  }

  // One storage type of a group: its retention and, per model of the group, all points or chosen ones (only
  // points of the type it takes are offered).
  function editPolicy(g, type, policy) {
    if (!g.modelIds.length) {
      toast(t('storage.modelsNeeded'), 'error');
      return;
    }
    const retention = select([['', t('storage.chooseRetention')], ...kRetentions.map((r) => [r, retentionLabel(r)])],
      policy?.retention || '', { class: 'storage-retention-select' });
    const pickers = g.modelIds.map((modelId) => {
      const points = modelPoints(modelId, kSignalOf[type]);
      const chosen = new Set(policy?.models.find((m) => m.modelId === modelId)?.pointIds || []);
      const boxes = points.map((p) => checkbox(chosen.has(p.id), { value: p.id, dataset: { point: p.id } }));
      const all = checkbox(points.length > 0 && boxes.every((b) => b.checked), { class: 'storage-all', disabled: !points.length });
      all.onchange = () => boxes.forEach((b) => (b.checked = all.checked));
      for (const b of boxes) b.onchange = () => (all.checked = boxes.every((x) => x.checked));
      const el = h('div.storage-policy-model', { dataset: { model: modelId } },
        h('div.storage-policy-model-head', h('span.mono', modelId)),
        points.length
          ? [h('label.storage-pick', all, ' ', t('storage.allPoints', { n: points.length })),
            h('div.storage-point-boxes', points.map((p, i) => h('label.storage-pick', boxes[i], ' ', p.id === p.name ? p.id : `${p.name} (${p.id})`)))]
          : h('p.muted', t('storage.noMatching', { type: kSignalOf[type] })));
      return { modelId, boxes, el };
    });
    formDialog({
      title: `${t('storage.editPolicy')} · ${g.groupName} · ${t('storage.type.' + type)}`,
      wide: true,
      fields: [
        { name: 'retention', label: t('storage.retention'), input: retention, required: true },
        { name: 'points', label: t('storage.models'), input: h('div', pickers.map((p) => p.el)) },
      ],
      submit: async (v) => {
        const chosen = pickers.map((p) => ({ modelId: p.modelId, pointIds: p.boxes.filter((b) => b.checked).map((b) => b.value) }))
          .filter((m) => m.pointIds.length);
        await get(kPolicies, { action: 'update', query: { groupId: g.groupId, storageType: type }, body: { retention: v.retention, models: chosen } });
        toast(t('storage.saved'));
        await load();
      },
    });
  }

  load();
  return () => {
    alive = false;
  };
});
