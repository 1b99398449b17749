//! 文档元信息与版式主题：封面文字、中文日期、纸张、强调色、字体角色、封面图片。

use chrono::NaiveDate;

use super::view::{FontsView, MetaView, Render};
use super::{Cx, DEFAULT_ACCENT, Options, PAPERS, cn};
use crate::base::text::one_line;
use crate::load::{DataSet, MAX_NAME_BYTES, Parsed, safe_file_stem};
use crate::model::meta::{Cover, DocKind, MetaFile};

impl Cx {
    pub(super) fn meta(
        &mut self,
        data: &DataSet,
        options: &Options,
    ) -> (MetaView, Render, DocKind) {
        let src = &data.meta.source;
        let m = &data.meta.value.meta;
        let theme = &data.meta.value.theme;
        let (date, meeting_date) = self.meta_dates(&data.meta);

        let paper = match (&options.paper, &theme.paper) {
            (Some(p), _) => p.to_lowercase(),
            (None, Some(p)) => {
                let v = p.get_ref().trim().to_lowercase();
                if !PAPERS.contains(&v.as_str()) {
                    self.push(
                        src,
                        Some(p.span()),
                        "theme.paper",
                        format!(
                            "不支持的纸张 “{}”，可选：{}",
                            p.get_ref(),
                            PAPERS.join("、")
                        ),
                    );
                }
                v
            }
            (None, None) => "a5".into(),
        };
        if !PAPERS.contains(&paper.as_str()) && theme.paper.is_none() {
            self.push(
                src,
                None,
                "theme.paper",
                format!("不支持的纸张 “{paper}”，可选：{}", PAPERS.join("、")),
            );
        }
        let mut roles = theme
            .fonts
            .resolved()
            .into_iter()
            .map(|(role, names)| {
                let field = format!("theme.fonts.{role}");
                if names.is_empty() {
                    self.push(
                        src,
                        None,
                        field.clone(),
                        "至少要写一个字体族，如 [\"Noto Serif SC\"]；不写这一项则用默认字体",
                    );
                }
                for (name, span) in &names {
                    if name.is_empty() {
                        self.push(src, span.clone(), field.clone(), "字体族名不能为空");
                    }
                }
                names.into_iter().map(|(n, _)| n).collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
            .into_iter();
        let mut next = || roles.next().unwrap_or_default();
        let fonts = FontsView {
            song: next(),
            hei: next(),
            kai: next(),
            fangsong: next(),
            title: next(),
        };
        let accent = match &theme.accent {
            Some(a) => {
                let accent = a.get_ref().trim().to_owned();
                let hex = accent.strip_prefix('#').unwrap_or("");
                if !matches!(hex.len(), 3 | 6) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    self.push(
                        src,
                        Some(a.span()),
                        "theme.accent",
                        format!("颜色 “{accent}” 应写成 #RRGGBB，如 \"#b5121b\""),
                    );
                }
                accent
            }
            None => DEFAULT_ACCENT.into(),
        };
        let cover = theme.cover.unwrap_or(if m.kind == DocKind::Briefing {
            Cover::Redhead
        } else {
            Cover::Plain
        });
        let signoff = match &theme.signoff {
            Some(s) => {
                let v = one_line(s.get_ref()).trim().to_owned();
                if v.is_empty() {
                    self.push(
                        src,
                        Some(s.span()),
                        "theme.signoff",
                        "落款不能为空；不写这一项则用 meta.issuer",
                    );
                }
                Some(v)
            }
            None => m.issuer.as_deref().map(one_line),
        };

        // 地区名会成为输出文件名：不能带路径符号，也不能长到文件系统放不下。
        let region = one_line(&m.region).trim().to_owned();
        if !safe_file_stem(&region) {
            let msg = if let Some(hidden) = crate::base::text::hidden_char_message(&region) {
                format!("地区名 “{region}” {hidden}")
            } else if region.len() > MAX_NAME_BYTES {
                format!(
                    "地区名过长（{} 字节），用作文件名最多 {MAX_NAME_BYTES} 字节",
                    region.len()
                )
            } else {
                format!(
                    "地区名 “{region}” 会用作输出文件名，不能为空、不能含 / \\ : * ? \" < > | 等符号，也不能以 . 开头"
                )
            };
            self.push(src, None, "meta.region", msg);
        }

        let title = one_line(&m.title);
        let title_lines = m.title_lines.as_ref().map(|lines| {
            let lines: Vec<String> = lines.iter().map(|l| one_line(l)).collect();
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            if strip(&lines.concat()) != strip(&title) {
                self.push(
                    src,
                    None,
                    "meta.title_lines",
                    format!(
                        "封面分行连起来是 “{}”，与标题 “{title}” 不一致",
                        lines.concat()
                    ),
                );
            }
            lines
        });

        let meta = MetaView {
            kind: m.kind.label().to_owned(),
            title,
            title_lines,
            subtitle: m.subtitle.as_deref().map(one_line),
            region,
            meeting: m.meeting.as_deref().map(one_line),
            meeting_date: meeting_date.as_ref().map(|d| d.arabic()),
            meeting_date_cn: meeting_date.as_ref().map(|d| d.full()),
            issuer: m
                .issuer
                .as_deref()
                .map(one_line)
                .filter(|s| !s.trim().is_empty()),
            label: match &m.label {
                Some(l) => Some(one_line(l)).filter(|l| !l.trim().is_empty()),
                None => Some(m.kind.label().to_owned()),
            },
            period: m.period.as_deref().map(one_line),
            as_of: m.as_of.as_deref().map(one_line),
            note: m.note.as_deref().map(one_line),
            classification: m.classification.as_deref().map(one_line),
            issue: m.issue.as_deref().map(one_line),
            source: m.source.as_deref().map(one_line),
            date_cn: date.map(cn::full_date),
            month_cn: date.map(cn::month),
            date_iso: date.map(|d| d.to_string()),
            logo: self.logo(data),
            edition: None,
        };
        let paper_name = paper.clone();
        let render = Render {
            paper,
            notice: m.notice.as_deref().map(one_line),
            accent,
            fonts,
            bleed: options.bleed_mm,
            slug: if options.crop_marks {
                super::SLUG_MM
            } else {
                0.0
            },
            crop_marks: options.crop_marks,
            mono: options.mono,
            cmyk: !options.archive,
            draft: options.draft.as_deref().map(one_line),
            copy_no: m.copy_no.as_deref().map(one_line),
            recipient: None,
            cover: cover.label().to_owned(),
            style: theme.style.unwrap_or_default().label().to_owned(),
            signoff,
            binding: options
                .binding
                .unwrap_or_else(|| super::Binding::default_for(m.kind, &paper_name)),
        };
        (meta, render, m.kind)
    }

    pub(super) fn meta_dates(
        &mut self,
        meta: &Parsed<MetaFile>,
    ) -> (Option<NaiveDate>, Option<MeetingDate>) {
        let m = &meta.value.meta;
        let date = m
            .date
            .as_ref()
            .map(|d| self.date(&meta.source, d, "meta.date"));
        let meeting_date = m.meeting_date.as_ref().and_then(|d| match d.get_ref() {
            toml::Value::Datetime(dt) => match super::to_naive(dt) {
                Ok(day) => Some(MeetingDate::Day(day)),
                Err(msg) => {
                    self.push(&meta.source, Some(d.span()), "meta.meeting_date", msg);
                    None
                }
            },
            toml::Value::String(s) if !s.trim().is_empty() => Some(MeetingDate::Said(one_line(s))),
            _ => {
                self.push(
                    &meta.source,
                    Some(d.span()),
                    "meta.meeting_date",
                    "会议日期应写 TOML 日期（如 2023-12-26）或原文的说法（如 \"近日\"）",
                );
                None
            }
        });
        (date, meeting_date)
    }
}

/// 会议日期：确切的日子，或原文的说法（近日、12月下旬）照录。
pub(super) enum MeetingDate {
    Day(NaiveDate),
    Said(String),
}

impl MeetingDate {
    fn arabic(&self) -> String {
        match self {
            MeetingDate::Day(d) => cn::arabic_date(*d),
            MeetingDate::Said(s) => s.clone(),
        }
    }

    fn full(&self) -> String {
        match self {
            MeetingDate::Day(d) => cn::full_date(*d),
            MeetingDate::Said(s) => s.clone(),
        }
    }
}

impl Cx {
    /// 封面图片：只能是数据目录之内的图片文件。
    fn logo(&mut self, data: &DataSet) -> Option<String> {
        let logo = data.meta.value.meta.logo.as_ref()?;
        let src = &data.meta.source;
        let rel = logo.get_ref();
        let path = std::path::Path::new(rel);
        let escapes = path.is_absolute()
            || path.components().any(|c| {
                matches!(
                    c,
                    std::path::Component::ParentDir | std::path::Component::Prefix(_)
                )
            });
        if escapes {
            self.push(src, Some(logo.span()), "meta.logo", format!(
                "图片路径 “{rel}” 越出数据目录：只能写数据目录之内的相对路径，不能用 .. 或绝对路径"
            ));
            return None;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        if !["png", "jpg", "jpeg", "gif", "svg", "webp"].contains(&ext.as_str()) {
            self.push(
                src,
                Some(logo.span()),
                "meta.logo",
                format!("“{rel}” 不是支持的图片格式（png、jpg、gif、svg、webp）"),
            );
            return None;
        }
        match crate::base::sandbox::locate(&data.dir, rel) {
            Ok(real) => {
                // 交给模板的是数据目录内的规范路径（去掉 ./ 之类）。
                let inside = data
                    .dir
                    .canonicalize()
                    .ok()
                    .and_then(|d| real.strip_prefix(d).ok().map(|p| p.to_owned()))?;
                Some(format!(
                    "/data/{}",
                    inside.to_string_lossy().replace('\\', "/")
                ))
            }
            Err(refused) => {
                self.push(
                    src,
                    Some(logo.span()),
                    "meta.logo",
                    format!(
                        "图片 “{rel}”：{}",
                        refused.reason(crate::base::sandbox::DATA_DIR)
                    ),
                );
                None
            }
        }
    }
}
