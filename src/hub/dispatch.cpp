// The one table from upstream topic kind to handler (Mosquitto's read_handle.c).
#include "hub/handler.hpp"

namespace gridhub::hub {

Handler find_handler(enos::TopicKind kind) {
  using K = enos::TopicKind;
  switch (kind) {
    case K::MeasurepointPost:
    case K::MeasurepointResume:
      return handle_measurepoint_post;
    case K::MeasurepointPostBatch:
    case K::MeasurepointResumeBatch:
      return handle_measurepoint_batch;
    case K::EventPost:
      return handle_event_post;
    case K::AttributeQuery:
      return handle_attribute_query;
    case K::AttributeUpdate:
      return handle_attribute_update;
    case K::AttributeDelete:
      return handle_attribute_delete;
    case K::TagQuery:
      return handle_tag_query;
    case K::TagUpdate:
      return handle_tag_update;
    case K::TagDelete:
      return handle_tag_delete;
    case K::TslTemplateGet:
      return handle_tsl_template_get;
    case K::TopoAdd:
      return handle_topo_add;
    case K::TopoDelete:
      return handle_topo_delete;
    case K::TopoGet:
      return handle_topo_get;
    case K::DeviceRegister:
      return handle_device_register;
    default:
      return nullptr;
  }
}

}  // namespace gridhub::hub
