//! The edit dialogs' checks: what is sent, in which units, and what needs asking.

use super::*;

fn layer(name: &str) -> Layer {
    Layer {
        id: format!("id-{name}"),
        name: name.into(),
        min_cores: 4.0,
        min_memory: 8 * 1_048_576,
        tags: vec!["general".into()],
        range: "1-100".into(),
        ..Layer::default()
    }
}

fn job() -> Job {
    Job {
        id: "j".into(),
        name: "comp_v012".into(),
        user: "jdoe".into(),
        ..Job::default()
    }
}

fn layer_form(d: &mut EditDialog) -> &mut LayerForm {
    match &mut d.form {
        EditForm::Layers(f) => f,
        _ => unreachable!(),
    }
}

fn reorder_form(d: &mut EditDialog) -> &mut ReorderForm {
    match &mut d.form {
        EditForm::Reorder(f) => f,
        _ => unreachable!(),
    }
}

#[test]
fn only_changed_layer_fields_are_sent_in_the_gateways_units() {
    let mut d = EditDialog::layers(&job(), vec![layer("comp"), layer("slap")], "jdoe").unwrap();
    assert_eq!(d.request().unwrap_err(), "Nothing changed");
    layer_form(&mut d).fields.min_memory_gb = "12".into();
    layer_form(&mut d).fields.tags = "general gpu".into();
    match d.request().unwrap() {
        EditRequest::Layers(LayersEdit {
            layers, settings, ..
        }) => {
            assert_eq!(layers.len(), 2);
            assert_eq!(
                settings,
                [
                    LayerSetting::MinMemory(12 * 1_048_576),
                    LayerSetting::Tags(vec!["general".into(), "gpu".into()])
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    layer_form(&mut d).fields.max_cores = "2".into();
    assert!(d.request().unwrap_err().contains("below min cores"));
    layer_form(&mut d).fields.max_cores = "0".into();
    layer_form(&mut d).fields.timeout = "-1".into();
    assert!(d.request().unwrap_err().contains("minutes"));
}

#[test]
fn reorder_checks_the_range_and_another_users_job_needs_the_tick() {
    let mut d = EditDialog::reorder(&job(), vec![], Some("1-10".into()), "asmith");
    assert!(d.request().unwrap_err().contains("another user's job"));
    d.owner_confirmed = true;
    assert!(matches!(
        d.request().unwrap(),
        EditRequest::Reorder(ReorderEdit {
            how: Reorder::Order(Order::First),
            ..
        })
    ));
    reorder_form(&mut d).mode = ReorderMode::Stagger;
    reorder_form(&mut d).increment = "0".into();
    assert!(d.request().is_err());
    reorder_form(&mut d).increment = "5".into();
    reorder_form(&mut d).range = "ten".into();
    assert!(d.request().unwrap_err().starts_with("Frame range"));
}
